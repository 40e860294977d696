"""The salon's public online booking, as a visitor uses it (no sign-in): the page in both
languages, a booking confirmed by the code sent by SMS, wrong and stale codes, a time taken
meanwhile, the client's link to cancel or move, the widget's framing, and nothing of another
client or another workspace within reach."""

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from atrium.platform.crm.contacts.models import Contact, ContactPhone
from atrium.platform.notify.models import SmsLog
from atrium.platform.tenancy.models import Tenant
from atrium.verticals.salon.models import BookingCode, Location, Visit
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import build_salon, sms_sink
from tests.web.conftest import browser, screenshot_path  # noqa: F401

NEW_PHONE = "+79035550101"


async def sms_gateway(client, salon) -> None:
    """A gateway that is set up and takes every message (codes are read from the SMS log),
    and the salon confirming phones by SMS."""
    answer = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": sms_sink(), "token": "gw-token", "sender": "Liza"},
        headers=salon.headers,
    )
    assert answer.status_code == 200, answer.text
    chosen = await client.put(
        "/api/v1/salon/settings", json={"phone_check": "sms"}, headers=salon.headers
    )
    assert chosen.status_code == 200 and chosen.json()["phone_check"] == "sms", chosen.text


def api(salon, path: str, slug: str | None = None) -> str:
    return f"/api/public/{slug or salon.slug}/{path}"


def booking_body(salon, start, *, master=None, phone=NEW_PHONE, services=None, **more) -> dict:
    return {
        "location_id": str(salon.location_id),
        "service_ids": [str(service) for service in services or [salon.cut]],
        "master_id": str(master) if master else None,
        "start": start.isoformat(),
        "first_name": "Olga",
        "last_name": "Petrova",
        "phone": phone,
        **more,
    }


async def last_sms(db, salon, kind: str) -> SmsLog:
    async with db.tenant_transaction(salon.schema) as session:
        return await session.scalar(
            select(SmsLog).where(SmsLog.kind == kind).order_by(SmsLog.created_at.desc()).limit(1)
        )


async def code_sent(db, salon) -> str:
    sms = await last_sms(db, salon, "booking_code")
    return re.search(r"\b(\d{6})\b", sms.text)[1]


async def ask_code(client, salon, start, **options) -> str:
    answer = await client.post(api(salon, "bookings"), json=booking_body(salon, start, **options))
    assert answer.status_code == 202, answer.text
    return answer.json()["request_id"]


async def book_online(client, db, salon, start, **options) -> dict:
    request_id = await ask_code(client, salon, start, **options)
    code = await code_sent(db, salon)
    answer = await client.post(api(salon, f"bookings/{request_id}/confirm"), json={"code": code})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def visits_of(db, salon) -> list[Visit]:
    async with db.tenant_transaction(salon.schema) as session:
        return list(await session.scalars(select(Visit).order_by(Visit.starts_at)))


def token_of(manage_url: str) -> str:
    return manage_url.rsplit("/", 1)[1]


# The public data


async def test_the_public_api_lists_salon_services_masters_and_free_times(client, salon):
    [location] = (await client.get(api(salon, "locations"))).json()["items"]
    assert location["slug"] == "arbat" and location["timezone"] == "Europe/Moscow"
    services = (await client.get(api(salon, f"services?location_id={salon.location_id}"))).json()
    assert {item["name"] for item in services["items"]} == {"Haircut", "Colouring", "Manicure"}
    masters = await client.get(
        api(salon, "masters"),
        params={"location_id": str(salon.location_id), "service_id": str(salon.cut)},
    )
    assert [item["name"] for item in masters.json()["items"]] == ["Anna", "Boris"]
    assert set(masters.json()["items"][0]) == {"id", "name", "position"}
    slots = await client.get(
        api(salon, "slots"),
        params={
            "location_id": str(salon.location_id),
            "service_id": str(salon.cut),
            "date_from": salon.day.isoformat(),
            "date_to": salon.day.isoformat(),
        },
    )
    items = slots.json()["items"]
    # Any master: each time once (Boris from 09:00, Anna from 10:00), with a master free then.
    times = [item["time"] for item in items]
    assert times[0] == "09:00" and len(times) == len(set(times)) and "19:00" in times
    assert items[0]["master_id"] == str(salon.boris)
    assert set(items[0]) == {"start", "date", "time", "master_id"}


# Booking with the code


async def test_a_visitor_books_with_the_code_sent_by_sms(client, db, salon):
    await sms_gateway(client, salon)
    booked = await book_online(client, db, salon, salon.at(10), master=salon.anna, consent=True)
    assert booked["master"] == "Anna" and booked["salon"] == "Liza on Arbat"
    assert booked["local_start"] == f"{salon.day.isoformat()} 10:00"
    assert [line["name"] for line in booked["services"]] == ["Haircut"]
    assert booked["total"] == "2500.00" or float(booked["total"]) == 2500
    assert booked["manage_url"].startswith("http") and "/book/" in booked["manage_url"]
    [visit] = await visits_of(db, salon)
    assert visit.source == "online" and visit.master_id == salon.anna
    async with db.tenant_transaction(salon.schema) as session:
        contact = await session.get(Contact, visit.contact_id)
        assert contact.first_name == "Olga" and contact.marketing_consent is True
        phones = list(
            await session.scalars(
                select(ContactPhone.number).where(ContactPhone.contact_id == contact.id)
            )
        )
        assert phones == [NEW_PHONE]
        code = await session.scalar(select(BookingCode))
        assert code.used_at is not None and len(code.code_hash) == 64
    confirmation = await last_sms(db, salon, "booking_confirmed")
    assert confirmation.to_number == NEW_PHONE and booked["manage_url"] in confirmation.text

    # The same phone again (typed another way) is the same client; "any master" picks one.
    again = await book_online(client, db, salon, salon.at(12), phone="+7 (903) 555-01-01")
    assert again["master"] in ("Anna", "Boris")
    visits = await visits_of(db, salon)
    assert len(visits) == 2 and visits[1].contact_id == contact.id


async def test_a_known_phone_books_for_the_client_on_file(client, db, salon):
    await sms_gateway(client, salon)
    await book_online(client, db, salon, salon.at(11), master=salon.boris, phone="+79161234567")
    [visit] = await visits_of(db, salon)
    assert visit.contact_id == salon.client_id and visit.master_id == salon.boris


async def test_a_wrong_code_books_nothing_and_the_sixth_try_is_refused(client, db, salon):
    await sms_gateway(client, salon)
    request_id = await ask_code(client, salon, salon.at(10), master=salon.anna)
    code = await code_sent(db, salon)
    wrong = "000000" if code != "000000" else "111111"
    confirm = api(salon, f"bookings/{request_id}/confirm")
    for _ in range(5):
        answer = await client.post(confirm, json={"code": wrong})
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"] == "The code is wrong."
    sixth = await client.post(confirm, json={"code": code})
    assert sixth.status_code == 409 and "Too many" in sixth.json()["detail"]
    assert await visits_of(db, salon) == []


async def test_an_expired_code_books_nothing(client, db, salon):
    await sms_gateway(client, salon)
    request_id = await ask_code(client, salon, salon.at(10), master=salon.anna)
    code = await code_sent(db, salon)
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(BookingCode).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = await client.post(api(salon, f"bookings/{request_id}/confirm"), json={"code": code})
    assert answer.status_code == 409 and "expired" in answer.json()["detail"]
    assert await visits_of(db, salon) == []


async def test_a_time_taken_before_the_code_is_entered_is_refused(client, db, salon):
    await sms_gateway(client, salon)
    request_id = await ask_code(client, salon, salon.at(10), master=salon.anna)
    code = await code_sent(db, salon)
    taken = await client.post(
        "/api/v1/salon/visits",
        json={
            "client_id": str(salon.client_id),
            "master_id": str(salon.anna),
            "start": salon.at(10, 30).isoformat(),
            "service_ids": [str(salon.cut)],
        },
        headers=salon.headers,
    )
    assert taken.status_code == 201, taken.text
    answer = await client.post(api(salon, f"bookings/{request_id}/confirm"), json={"code": code})
    assert answer.status_code == 409, answer.text
    assert answer.json()["detail"] == "That time is no longer free; please choose another."
    assert [visit.source for visit in await visits_of(db, salon)] == ["api"]


async def test_a_taken_or_closed_time_gets_no_code(client, db, salon):
    await sms_gateway(client, salon)
    # Anna's lunch, a time in the past, and Boris on a Sunday: no code is sent.
    for start, master in (
        (salon.at(14), salon.anna),
        (datetime.now(UTC) - timedelta(hours=1), salon.anna),
        (salon.at(10, days=6), salon.boris),
    ):
        body = booking_body(salon, start, master=master)
        answer = await client.post(api(salon, "bookings"), json=body)
        assert answer.status_code in (409, 422), answer.text
    missing_name = booking_body(salon, salon.at(10), first_name=" ")
    answer = await client.post(api(salon, "bookings"), json=missing_name)
    assert answer.status_code == 422 and answer.json()["field"] == "first_name"
    assert await last_sms(db, salon, "booking_code") is None


async def test_code_requests_are_throttled_per_phone(client, db, salon):
    await sms_gateway(client, salon)
    for _ in range(5):
        await ask_code(client, salon, salon.at(10), master=salon.anna)
    sixth = await client.post(
        api(salon, "bookings"), json=booking_body(salon, salon.at(10), master=salon.anna)
    )
    assert sixth.status_code == 429, sixth.text
    assert int(sixth.headers["retry-after"]) > 0
    # Another phone may still ask.
    await ask_code(client, salon, salon.at(10), master=salon.anna, phone="+79035550102")


async def test_a_new_salon_books_at_once_and_the_visit_waits_for_a_call(client, db, salon):
    """Nothing set up (no phone check, no gateway): the visit is booked, to confirm by phone."""
    answer = await client.post(
        api(salon, "bookings"), json=booking_body(salon, salon.at(10), master=salon.anna)
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["confirm_by"] == "none" and body["visit"]["to_confirm_by_phone"] is True
    [visit] = await visits_of(db, salon)
    assert visit.to_call and visit.status == "booked" and visit.source == "online"
    assert await last_sms(db, salon, "booking_code") is None
    desk = f"/api/v1/salon/visits/{visit.id}"
    shown = await client.get(desk, headers=salon.headers)
    assert shown.json()["to_confirm_by_phone"] is True
    called = await client.patch(desk, json={"status": "confirmed"}, headers=salon.headers)
    assert called.status_code == 200, called.text
    assert called.json()["status"] == "confirmed" and called.json()["to_confirm_by_phone"] is False


async def test_sms_chosen_but_spent_on_the_plan_falls_back_to_a_call(client, db, salon):
    """The salon chose SMS, its gateway is set, but the month's quota has no room: booked."""
    await sms_gateway(client, salon)
    saved = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": sms_sink(), "sender": "Liza", "monthly_quota": 0},
        headers=salon.headers,
    )
    assert saved.status_code == 200, saved.text
    answer = await client.post(
        api(salon, "bookings"), json=booking_body(salon, salon.at(10), master=salon.anna)
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["confirm_by"] == "none"
    [visit] = await visits_of(db, salon)
    assert visit.to_call


# Privacy and isolation


async def test_public_answers_never_show_another_clients_name_or_phone(client, db, salon):
    await sms_gateway(client, salon)
    journal = await client.post(
        "/api/v1/salon/visits",
        json={
            "client_id": str(salon.client_id),
            "master_id": str(salon.anna),
            "start": salon.at(12).isoformat(),
            "service_ids": [str(salon.cut)],
        },
        headers=salon.headers,
    )
    assert journal.status_code == 201
    booked = await book_online(client, db, salon, salon.at(10), master=salon.anna)
    token = token_of(booked["manage_url"])
    location = f"location_id={salon.location_id}"
    answers = [
        await client.get(api(salon, "locations")),
        await client.get(api(salon, f"services?{location}")),
        await client.get(api(salon, f"masters?{location}&service_id={salon.cut}")),
        await client.get(
            api(salon, f"slots?{location}&service_id={salon.cut}&master_id={salon.anna}")
        ),
        await client.get(api(salon, f"slots?{location}&service_id={salon.cut}")),
        await client.get(api(salon, f"visits/{token}")),
        await client.get(f"/book/{salon.slug}/arbat"),
        await client.get(f"/book/{salon.slug}/visit/{token}"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        for secret in ("Maria", "Ivanova", "+79161234567", "916 123", str(salon.client_id)):
            assert secret not in answer.text, (answer.url, secret)
    # The slots hide the journal's visit (12:00 is not offered with Anna), not its owner.
    anna = await client.get(
        api(salon, "slots"),
        params={
            "location_id": str(salon.location_id),
            "service_id": str(salon.cut),
            "master_id": str(salon.anna),
            "date_from": salon.day.isoformat(),
            "date_to": salon.day.isoformat(),
        },
    )
    times = [item["time"] for item in anna.json()["items"]]
    assert "12:00" not in times and "13:00" in times


async def test_another_workspaces_slug_cannot_reach_this_salon(client, db, make_workspace, salon):
    await sms_gateway(client, salon)
    other = await build_salon(db, await make_workspace("Salon Other", "salon"))
    await sms_gateway(client, other)
    booked = await book_online(client, db, salon, salon.at(10), master=salon.anna)
    token = token_of(booked["manage_url"])
    mine = f"location_id={salon.location_id}"
    theirs = other.slug
    for path in (
        f"services?{mine}",
        f"masters?{mine}&service_id={salon.cut}",
        f"slots?{mine}&service_id={salon.cut}",
        f"visits/{token}",
    ):
        answer = await client.get(api(salon, path, slug=theirs))
        assert answer.status_code == 404, (path, answer.text)
    # This salon's ids in a booking under the other slug: nothing to book there.
    answer = await client.post(
        api(salon, "bookings", slug=theirs),
        json=booking_body(salon, salon.at(11), master=salon.anna),
    )
    assert answer.status_code == 404
    # The other workspace's master with this workspace's salon: no such master here.
    answer = await client.get(
        api(salon, f"slots?{mine}&service_id={salon.cut}&master_id={other.anna}")
    )
    assert answer.status_code == 404
    # A request id of this workspace confirmed under the other slug: unknown there.
    request_id = await ask_code(client, salon, salon.at(12), master=salon.anna)
    code = await code_sent(db, salon)
    answer = await client.post(
        api(salon, f"bookings/{request_id}/confirm", slug=theirs), json={"code": code}
    )
    assert answer.status_code == 404
    assert (await client.post(api(salon, f"visits/{token}/cancel", slug=theirs))).status_code == 404
    assert (await client.get(f"/book/{theirs}/visit/{token}")).status_code == 404
    assert len(await visits_of(db, salon)) == 1 and await visits_of(db, other) == []
    unknown = await client.get(f"/api/public/no-such-{uuid.uuid4().hex[:8]}/locations")
    assert unknown.status_code == 404


async def test_a_plan_without_the_pack_or_a_closed_salon_has_no_booking(client, db, salon):
    await sms_gateway(client, salon)
    async with db.shared_transaction() as session:
        await session.execute(
            update(Tenant)
            .where(Tenant.slug == salon.slug)
            .values(
                entitlements={
                    "plan": "Start",
                    "seats": 3,
                    "contacts": 1000,
                    "packs": [],
                    "sms_per_month": 100,
                    "api_per_minute": 60,
                    "integrations": 1,
                }
            )
        )
    assert (await client.get(f"/book/{salon.slug}")).status_code == 404
    assert (await client.get(api(salon, "locations"))).status_code == 404
    async with db.shared_transaction() as session:
        await session.execute(
            update(Tenant)
            .where(Tenant.slug == salon.slug)
            .values(entitlements=None, read_only_since=datetime.now(UTC))
        )
    answer = await client.post(
        api(salon, "bookings"), json=booking_body(salon, salon.at(10), master=salon.anna)
    )
    assert answer.status_code == 409
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(update(Location).values(online_booking=False))
    assert (await client.get(f"/book/{salon.slug}")).status_code == 404
    assert (await client.get(f"/book/{salon.slug}/arbat")).status_code == 404


# The client's own link


async def test_the_client_cancels_or_moves_within_the_window_and_not_after(client, db, salon):
    await sms_gateway(client, salon)
    first = await book_online(client, db, salon, salon.at(10), master=salon.anna)
    token = token_of(first["manage_url"])
    shown = (await client.get(api(salon, f"visits/{token}"))).json()
    assert shown["can_change"] is True and shown["status"] == "booked"

    # Half an hour later overlaps the visit's own time, which is hers to move into.
    page = await client.get(f"/book/{salon.slug}/visit/{token}", params={"date": salon.day})
    assert 'value="' + salon.at(10, 30).isoformat() in page.text
    later = await client.post(
        api(salon, f"visits/{token}/reschedule"), json={"start": salon.at(10, 30).isoformat()}
    )
    assert later.status_code == 200, later.text
    assert later.json()["local_start"].endswith("10:30") and later.json()["master"] == "Anna"
    moved = await client.post(
        api(salon, f"visits/{token}/reschedule"), json={"start": salon.at(16).isoformat()}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["local_start"].endswith("16:00") and moved.json()["master"] == "Anna"
    # A time Anna does not work (her lunch) is refused, and the visit stays put.
    lunch = await client.post(
        api(salon, f"visits/{token}/reschedule"), json={"start": salon.at(14).isoformat()}
    )
    assert lunch.status_code == 409
    # Any master: Boris works from 09:00.
    early = await client.post(
        api(salon, f"visits/{token}/reschedule"),
        json={"start": salon.at(9).isoformat(), "any_master": True},
    )
    assert early.status_code == 200 and early.json()["master"] == "Boris"

    cancelled = await client.post(api(salon, f"visits/{token}/cancel"))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = await client.post(api(salon, f"visits/{token}/cancel"))
    assert again.status_code == 409

    # Within the cancel window the link only shows the visit and the salon's phone.
    second = await book_online(client, db, salon, salon.at(11), master=salon.anna)
    token = token_of(second["manage_url"])
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(Location).values(cancel_window_hours=24 * 30, phone="+7 495 000-00-00")
        )
    assert (await client.get(api(salon, f"visits/{token}"))).json()["can_change"] is False
    late = await client.post(api(salon, f"visits/{token}/cancel"))
    assert late.status_code == 409 and "+7 495 000-00-00" in late.json()["detail"]
    late = await client.post(
        api(salon, f"visits/{token}/reschedule"), json={"start": salon.at(17).isoformat()}
    )
    assert late.status_code == 409
    page = await client.get(f"/book/{salon.slug}/visit/{token}")
    assert page.status_code == 200 and "+7 495 000-00-00" in page.text
    assert 'name="action" value="cancel"' not in page.text
    statuses = [visit.status for visit in await visits_of(db, salon)]
    assert sorted(statuses) == ["booked", "cancelled"]
    assert (await client.get(api(salon, "visits/not-a-real-token"))).status_code == 404


async def count_visits(db, salon) -> int:
    async with db.tenant_transaction(salon.schema) as session:
        return await session.scalar(select(func.count()).select_from(Visit))


# The pages


async def test_the_booking_page_renders_in_english_and_russian(client, salon):
    start = await client.get(f"/book/{salon.slug}?lang=en", follow_redirects=False)
    assert start.status_code == 302 and start.headers["location"].startswith(
        f"/book/{salon.slug}/arbat"
    )
    english = await client.get(f"/book/{salon.slug}/arbat?lang=en")
    assert english.status_code == 200
    assert "Book online" in english.text and "Choose services" in english.text
    assert "Haircut" in english.text and '<html lang="en">' in english.text
    assert 'src="/static/salon/book.js"' in english.text and "<script>" not in english.text
    russian = await client.get(f"/book/{salon.slug}/arbat?lang=ru")
    assert russian.status_code == 200 and '<html lang="ru">' in russian.text
    assert "Онлайн-запись" in russian.text and "Выберите услуги" in russian.text
    script = await client.get("/static/salon/book.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    missing = await client.get(f"/book/no-such-{uuid.uuid4().hex[:8]}?lang=en")
    assert missing.status_code == 404 and "Booking page not found" in missing.text
    assert (await client.get(f"/book/{salon.slug}/elsewhere")).status_code == 404


async def test_the_page_books_step_by_step_without_javascript(client, db, salon):
    await sms_gateway(client, salon)
    base = f"/book/{salon.slug}/arbat"
    query = {"service": str(salon.cut), "lang": "en"}
    masters = await client.get(base, params=query)
    assert "Choose a master" in masters.text and "Any master" in masters.text
    days = await client.get(base, params={**query, "master": str(salon.anna)})
    assert "Choose a day" in days.text and salon.day.isoformat() in days.text
    day = {**query, "master": str(salon.anna), "date": salon.day.isoformat()}
    times = await client.get(base, params=day)
    assert "Choose a time" in times.text and salon.at(10).isoformat() in times.text
    details = await client.get(base, params={**day, "start": salon.at(10).isoformat()})
    assert "Your details" in details.text and "Get the code" in details.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', details.text)[1]
    form = {"csrf_token": token, "first_name": "Olga", "phone": NEW_PHONE, "consent": "1"}
    chosen = {**day, "start": salon.at(10).isoformat()}
    # No phone: the form again, with the reason next to the field and the name kept.
    refused = await client.post(base, params=chosen, data={**form, "phone": ""})
    assert refused.status_code == 422 and 'value="Olga"' in refused.text
    asked = await client.post(base, params=chosen, data=form, follow_redirects=False)
    assert asked.status_code == 303, asked.text
    code_page = asked.headers["location"]
    page = await client.get(code_page)
    assert "Enter the code" in page.text
    wrong = await client.post(code_page, data={"csrf_token": token, "code": "99999x"})
    assert wrong.status_code == 422 and "The code is wrong." in wrong.text
    done = await client.post(
        code_page,
        data={"csrf_token": token, "code": await code_sent(db, salon)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "/visit/" in done.headers["location"]
    visit_page = await client.get(done.headers["location"])
    assert "You are booked" in visit_page.text and "Anna" in visit_page.text
    assert "Haircut" in visit_page.text and "Liza on Arbat" in visit_page.text
    assert 'name="action" value="cancel"' in visit_page.text
    cancelled = await client.post(
        done.headers["location"].split("?")[0],
        data={"csrf_token": token, "action": "cancel"},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    [visit] = await visits_of(db, salon)
    assert visit.status == "cancelled" and visit.source == "online"


async def test_only_booking_pages_may_be_framed(client, salon):
    page = await client.get(f"/book/{salon.slug}/arbat")
    assert "x-frame-options" not in page.headers
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for other in ("/login", f"/api/public/{salon.slug}/locations", "/static/salon/book.js"):
        answer = await client.get(other)
        assert answer.headers["x-frame-options"] == "DENY", other
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    widget = await client.get(f"/book/{salon.slug}/widget.js")
    assert widget.status_code == 200 and "javascript" in widget.headers["content-type"]
    snippet = (await client.get(f"/api/public/{salon.slug}/widget")).json()
    assert snippet["snippet"] == f'<script src="{snippet["script_url"]}" async></script>'
    assert snippet["script_url"].endswith(f"/book/{salon.slug}/widget.js")


async def test_a_salon_lets_only_its_own_sites_show_the_booking_pages(client, salon, sign_in):  # noqa: F811
    settings = "/api/v1/salon/settings"
    sites = ["https://Liza-Salon.example/contacts", "http://localhost:8080", "https://liza.example"]
    listed = await client.put(settings, json={"widget_sites": sites}, headers=salon.headers)
    assert listed.status_code == 200, listed.text
    kept = ["https://liza-salon.example", "http://localhost:8080", "https://liza.example"]
    assert listed.json()["widget_sites"] == kept
    page = await client.get(f"/book/{salon.slug}/arbat")
    policy = page.headers["content-security-policy"]
    assert (
        f"frame-ancestors 'self' {' '.join(kept)}" in policy and "frame-ancestors *" not in policy
    )
    for bad in (["liza-salon.example"], ["ftp://liza.example"], ["https://x:port"], ["a"] * 11):
        refused = await client.put(settings, json={"widget_sites": bad}, headers=salon.headers)
        assert refused.status_code == 422, bad
        assert refused.json()["field"] == "widget_sites"
    assert (await client.get(settings, headers=salon.headers)).json()["widget_sites"] == kept

    # The settings page shows the link, the line to paste, and the sites; emptied, any site.
    desk = await sign_in(salon.workspace["user"]["email"])
    form_page = await desk.get(f"/w/{salon.slug}/salon/catalog/settings")
    assert f"/book/{salon.slug}/widget.js" in form_page.text
    assert "https://liza-salon.example\nhttp://localhost:8080" in form_page.text
    csrf = desk.headers.pop("X-CSRF-Token")
    form = {
        "csrf_token": csrf, "reminder_hours": "24, 2", "rebook_days_early": "3",
        "vip_quarters": "6", "vip_spend": "15000", "channel_sms": "on", "widget_sites": "",
    }  # fmt: skip
    saved = await desk.post(f"/w/{salon.slug}/salon/catalog/settings", data=form)
    assert saved.status_code == 302, saved.text
    page = await client.get(f"/book/{salon.slug}/arbat")
    assert "frame-ancestors *" in page.headers["content-security-policy"]


async def test_a_visitor_books_on_a_phone_with_javascript(browser, live_server, db, salon):  # noqa: F811
    """book.js at 375 px: one screen over the JSON, keyboard-usable buttons, nothing refused by
    the Content-Security-Policy, nothing wider than the screen."""
    import playwright.async_api as pw

    from tests.web.test_browser_daily_work import fits_width

    await sms_gateway_in(db, salon)
    context = await browser.new_context(viewport={"width": 375, "height": 812})
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    try:
        await page.goto(f"{live_server}/book/{salon.slug}?lang=en")
        await pw.expect(page.get_by_role("heading", name="Choose services")).to_be_focused()
        await page.get_by_role("checkbox", name=re.compile("Haircut")).check()
        await page.get_by_role("button", name="Next").click()
        await page.get_by_role("radio", name="Anna").check()
        await page.get_by_role("button", name="Next").click()
        await pw.expect(page.get_by_role("heading", name="Choose a day")).to_be_visible()
        await fits_width(page, 375)
        day = page.locator(".book-days button:not([disabled])").first
        await day.focus()
        await page.keyboard.press("Enter")
        await page.locator(".book-times button").first.click()
        await page.get_by_label("First name").fill("Olga")
        await page.get_by_label("Phone").fill(NEW_PHONE)
        await page.get_by_role("button", name="Get the code").click()
        await pw.expect(page.get_by_role("heading", name="Enter the code")).to_be_visible()
        await page.get_by_label("Code from the SMS").fill(await code_sent(db, salon))
        await page.screenshot(path=screenshot_path("salon-book-code-phone"), full_page=True)
        await page.get_by_role("button", name="Confirm the booking").click()
        await pw.expect(page).to_have_url(re.compile(r"/visit/.+booked=1"))
        await pw.expect(page.get_by_text("You are booked")).to_be_visible()
        await fits_width(page, 375)
        await page.screenshot(path=screenshot_path("salon-book-done-phone"), full_page=True)
    finally:
        await context.close()
    assert not refused, refused
    [visit] = await visits_of(db, salon)
    assert visit.source == "online" and visit.master_id == salon.anna


async def sms_gateway_in(db, salon) -> None:
    """The SMS gateway set up straight in the workspace (the live server has its own client),
    and the salon confirming phones by SMS."""
    from atrium.platform.notify.models import SmsSettings
    from atrium.verticals.salon.models import SalonSettings

    async with db.tenant_transaction(salon.schema) as session:
        settings = await session.get(SmsSettings, 1)
        if settings is None:
            session.add(SmsSettings(id=1, gateway_url=sms_sink()))
        else:
            settings.gateway_url = sms_sink()
        salon_settings = await session.get(SalonSettings, 1)
        if salon_settings is None:
            session.add(SalonSettings(id=1, phone_check="sms"))
        else:
            salon_settings.phone_check = "sms"
