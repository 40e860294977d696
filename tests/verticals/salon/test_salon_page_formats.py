"""What the salon's pages print: phones formatted (the booking confirmation, the receipt), money
in the locale's format ("1 балл = 1,00 ₽", not "1 RUB"), English dates with capital months."""

from sqlalchemy import update

from atrium.verticals.salon.models import Location
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.verticals.salon.checkout.test_checkout import book, desk, give_card  # noqa: F401
from tests.verticals.salon.online.test_booking import book_online, sms_gateway, token_of

SALON_PHONE = "+74955550123"
SHOWN = "+7 495 555-01-23"


async def _salon_phone(db, salon) -> None:
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(update(Location).values(phone=SALON_PHONE))


async def test_the_booking_confirmation_shows_the_salons_phone_formatted(client, db, salon):
    await _salon_phone(db, salon)
    await sms_gateway(client, salon)
    booked = await book_online(client, db, salon, salon.at(10), master=salon.anna)
    for lang in ("en", "ru"):
        page = await client.get(
            f"/book/{salon.slug}/visit/{token_of(booked['manage_url'])}?lang={lang}"
        )
        assert page.status_code == 200, page.text
        assert f'href="tel:{SALON_PHONE}">{SHOWN}</a>' in page.text
        assert f">{SALON_PHONE}<" not in page.text


async def test_checkout_and_receipt_write_money_dates_and_phones_as_people_do(db, salon, desk):  # noqa: F811
    browser, csrf = desk
    await _salon_phone(db, salon)
    await give_card(db, salon, points=100)
    visit_id = await book(db, salon, 10)
    page = f"/w/{salon.slug}/salon/visits/{visit_id}/checkout"

    english = await browser.get(f"{page}?lang=en")
    # the workspace keeps dollars: a point is worth one, written as money
    assert "Up to 100 points (1 point = $1.00)." in english.text
    month = salon.day.strftime("%B")  # "December", as English writes it
    assert f"Monday, {salon.day.day} {month}" in english.text, english.text
    assert f"{salon.day.day} {month.lower()}" not in english.text
    russian = await browser.get(f"{page}?lang=ru")
    assert "Не больше 100 баллов (1 балл = 1,00\xa0$)." in russian.text
    assert "USD" not in russian.text

    done = await browser.post(
        page, data={"csrf_token": csrf, "payment_method": "cash", "action": "checkout"}
    )
    assert done.status_code in (302, 303), done.text
    for lang in ("en", "ru"):
        receipt = await browser.get(f"/w/{salon.slug}/salon/visits/{visit_id}/receipt?lang={lang}")
        assert receipt.status_code == 200
        assert f"<p>{SHOWN}</p>" in receipt.text and SALON_PHONE not in receipt.text
    english = await browser.get(f"/w/{salon.slug}/salon/visits/{visit_id}/receipt?lang=en")
    assert f"Monday, {salon.day.day} {month}" in english.text
