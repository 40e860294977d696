"""Checkout of a visit: services and products with the card's discount (services only) and
points, stock taken for consumables and products with a low-stock alert once per dip, the sale
as a won deal; refusals (done, cancelled, bad payment, too many points) write nothing."""

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from atrium.platform.crm.deals.models import Deal, Stage
from atrium.platform.errors import Conflict, Invalid
from atrium.platform.events.models import OutboxEvent
from atrium.verticals.salon.checkout import service as checkout
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.models import (
    Location,
    LoyaltyCard,
    LoyaltyEntry,
    ServiceConsumable,
    StockItem,
    StockLevel,
    StockMove,
    Visit,
    VisitProduct,
)
from atrium.verticals.salon.stock import service as stock
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.jobs.conftest import eventually


async def book(db, salon, hour, *services, master=None, days=0) -> uuid.UUID:
    async with db.tenant_transaction(salon.schema) as session:
        visit = await booking.book_visit(
            session,
            master_id=master or salon.anna,
            starts_at=salon.at(hour, days=days),
            service_ids=list(services or [salon.cut]),
            contact_id=salon.client_id,
        )
        return visit.id


async def add_item(db, salon, name, *, kind="consumable", price=None, quantity=None, reorder=0):
    """A stock item; with ``quantity`` a level in the salon (reorder level ``reorder``)."""
    async with db.tenant_transaction(salon.schema) as session:
        item = StockItem(id=uuid.uuid4(), name=name, kind=kind, price=price)
        session.add(item)
        await session.flush()
        if quantity is not None:
            session.add(
                StockLevel(
                    item_id=item.id,
                    location_id=salon.location_id,
                    quantity=Decimal(quantity),
                    reorder_level=Decimal(reorder),
                )
            )
        return item.id


async def give_card(db, salon, *, discount=0, points=0) -> uuid.UUID:
    async with db.tenant_transaction(salon.schema) as session:
        card = LoyaltyCard(
            id=uuid.uuid4(),
            contact_id=salon.client_id,
            number="2000000000008",
            discount_percent=Decimal(discount),
            points=Decimal(points),
            location_id=salon.location_id,
        )
        session.add(card)
        return card.id


async def check_out(db, salon, visit_id, **options):
    options.setdefault("payment_method", "card")
    async with db.tenant_transaction(salon.schema) as session:
        done = await checkout.check_out(session, visit_id, **options)
        return done.bill.paid, done.short


async def count(db, salon, model, *where) -> int:
    async with db.tenant_transaction(salon.schema) as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_totals_take_services_products_the_card_discount_and_points(db, salon):
    shampoo = await add_item(db, salon, "Shampoo", kind="retail", price=Decimal(800), quantity=10)
    card_id = await give_card(db, salon, discount=10, points=500)
    visit_id = await book(db, salon, 10, salon.cut)
    async with db.tenant_transaction(salon.schema) as session:
        bill = await checkout.preview(session, visit_id, products=[(shampoo, 2)])
        assert (bill.subtotal, bill.discount, bill.points_available) == (4100, 250, 500)
    paid, short = await check_out(
        db, salon, visit_id, products=[(shampoo, 1), (str(shampoo), "1")], redeem_points=300
    )
    # 2,500 + 2 × 800 = 4,100; 10% off the haircut only = 250; 300 in points.
    assert paid == Decimal("3550.00") and short == []
    async with db.tenant_transaction(salon.schema) as session:
        visit = await session.get(Visit, visit_id)
        assert visit.status == "done" and visit.done_at is not None
        assert (visit.subtotal, visit.discount, visit.points_used, visit.paid) == (
            4100,
            250,
            300,
            3550,
        )
        assert visit.payment_method == "card"
        [line] = await session.scalars(
            select(VisitProduct).where(VisitProduct.visit_id == visit_id)
        )
        assert (line.name, line.quantity, line.unit_price) == ("Shampoo", 2, 800)
        card = await session.get(LoyaltyCard, card_id)
        assert card.points == 200
        [redeemed] = await session.scalars(
            select(LoyaltyEntry).where(LoyaltyEntry.card_id == card_id)
        )
        assert (redeemed.kind, redeemed.points, redeemed.visit_id) == ("redeemed", -300, visit_id)
        # The sale is a won deal of the client's for the core reports.
        deal = await session.scalar(select(Deal).where(Deal.contact_id == salon.client_id))
        stage = await session.get(Stage, deal.stage_id)
        assert stage.kind == "won" and deal.amount == 3550 and deal.closed_at is not None
        assert deal.title.startswith("Visit ") and deal.title.endswith("— Haircut")
        names = set(await session.scalars(select(OutboxEvent.name)))
        assert {"salon.visit_done", "deal.created"} <= names


async def test_consumables_are_used_and_products_sold_from_the_salons_stock(db, salon):
    dye = await add_item(db, salon, "Dye", quantity=5)
    foil = await add_item(db, salon, "Foil")  # no level in the salon yet: starts from 0
    mask = await add_item(db, salon, "Mask", kind="retail", price=Decimal(1200), quantity=4)
    async with db.tenant_transaction(salon.schema) as session:
        session.add_all(
            [
                ServiceConsumable(service_id=salon.colour, item_id=dye, quantity=Decimal("1.5")),
                ServiceConsumable(service_id=salon.colour, item_id=foil, quantity=Decimal(2)),
            ]
        )
    visit_id = await book(db, salon, 10, salon.colour, salon.cut)
    paid, short = await check_out(db, salon, visit_id, products=[(mask, 3)], payment_method="cash")
    assert paid == 7000 + 2500 + 3600
    assert short == ["Foil"]  # went below zero: flagged for a count
    async with db.tenant_transaction(salon.schema) as session:
        moves = {
            (move.item_id, move.reason): move
            for move in await session.scalars(
                select(StockMove).where(StockMove.visit_id == visit_id)
            )
        }
        assert {key: move.change for key, move in moves.items()} == {
            (dye, "used"): Decimal("-1.5"),
            (foil, "used"): Decimal(-2),
            (mask, "sold"): Decimal(-3),
        }
        levels = {
            level.item_id: level.quantity
            for level in await session.scalars(
                select(StockLevel).where(StockLevel.location_id == salon.location_id)
            )
        }
        assert levels == {dye: Decimal("3.5"), foil: Decimal(-2), mask: Decimal(1)}


async def test_a_low_level_alerts_once_per_dip_and_managers_are_told(
    client, db, salon, worker, drained
):
    gel = await add_item(db, salon, "Gel", quantity=4, reorder=2)
    async with db.tenant_transaction(salon.schema) as session:
        session.add(ServiceConsumable(service_id=salon.cut, item_id=gel, quantity=Decimal(1)))
    low = (OutboxEvent.name == "salon.stock_low",)
    await check_out(db, salon, await book(db, salon, 10))  # 3 left: above the level
    assert await count(db, salon, OutboxEvent, *low) == 0
    await check_out(db, salon, await book(db, salon, 11))  # 2: at the level, alert
    await check_out(db, salon, await book(db, salon, 12))  # 1: still the same dip
    assert await count(db, salon, OutboxEvent, *low) == 1

    async def told():
        inbox = await client.get("/api/v1/notifications", headers=salon.headers)
        return [n for n in inbox.json()["items"] if n["kind"] == "salon.stock_low"] or None

    [note] = await eventually(told)
    assert note["title"] == "Running low: Gel at Liza on Arbat, 2 pcs left"
    # A delivery lifts it above the level; the next dip alerts again.
    async with db.tenant_transaction(salon.schema) as session:
        await stock.receive(
            session,
            {
                "location_id": str(salon.location_id),
                "lines": [{"item_id": str(gel), "quantity": 5}],
            },
        )
        level = await session.get(StockLevel, (gel, salon.location_id))
        assert level.quantity == 6 and level.low_noticed_at is None
    for hour in (15, 16, 17, 18):
        await check_out(db, salon, await book(db, salon, hour))
    assert await count(db, salon, OutboxEvent, *low) == 2
    await drained()


async def test_a_manager_who_muted_low_stock_is_not_told(client, db, salon, worker, drained):
    muted = await client.put(
        "/api/v1/me/notification-preferences",
        json={"email": True, "muted": ["salon.stock_low"]},
        headers=salon.headers,
    )
    assert muted.status_code == 200, muted.text
    gel = await add_item(db, salon, "Gel", quantity=3, reorder=2)
    async with db.tenant_transaction(salon.schema) as session:
        session.add(ServiceConsumable(service_id=salon.cut, item_id=gel, quantity=Decimal(1)))
    await check_out(db, salon, await book(db, salon, 10))  # 2 left: the alert is raised
    assert await count(db, salon, OutboxEvent, OutboxEvent.name == "salon.stock_low") == 1
    await eventually(lambda: _dispatched(db, salon))
    await drained()
    inbox = await client.get("/api/v1/notifications", headers=salon.headers)
    assert [n for n in inbox.json()["items"] if n["kind"] == "salon.stock_low"] == []


async def _dispatched(db, salon) -> bool:
    async with db.tenant_transaction(salon.schema) as session:
        event = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.name == "salon.stock_low")
        )
        return event is not None and event.dispatched_at is not None


async def test_a_visit_is_checked_out_once_and_never_when_cancelled(db, salon):
    visit_id = await book(db, salon, 10)
    await check_out(db, salon, visit_id)
    with pytest.raises(Conflict, match="checked out already"):
        await check_out(db, salon, visit_id)
    cancelled = await book(db, salon, 12)
    async with db.tenant_transaction(salon.schema) as session:
        await booking.set_visit_status(session, cancelled, "cancelled")
    with pytest.raises(Conflict, match="cancelled cannot be checked out"):
        await check_out(db, salon, cancelled)
    assert await count(db, salon, Deal) == 1


async def test_a_refused_checkout_writes_nothing(db, salon):
    gel = await add_item(db, salon, "Gel", quantity=4)
    consumable = await add_item(db, salon, "Cotton", quantity=4)
    async with db.tenant_transaction(salon.schema) as session:
        session.add(ServiceConsumable(service_id=salon.cut, item_id=gel, quantity=Decimal(1)))
    await give_card(db, salon, points=100)
    visit_id = await book(db, salon, 10)
    refusals = [
        ({"payment_method": "barter"}, "payment_method"),
        ({"redeem_points": 101}, "redeem_points"),
        ({"redeem_points": "-5"}, "redeem_points"),
        ({"products": [(consumable, 1)]}, "products[0].item_id"),  # not for sale
        ({"products": [(gel, 0)]}, "products[0].quantity"),
        ({"products": [("nonsense", 1)]}, "products[0].item_id"),
    ]
    for options, field in refusals:
        with pytest.raises(Invalid) as refused:
            await check_out(db, salon, visit_id, **options)
        assert refused.value.field == field
    async with db.tenant_transaction(salon.schema) as session:
        visit = await session.get(Visit, visit_id)
        assert visit.status == "booked" and visit.paid == 0
        assert (await session.get(StockLevel, (gel, salon.location_id))).quantity == 4
    assert await count(db, salon, StockMove) == 0
    assert await count(db, salon, Deal) == 0
    assert await count(db, salon, LoyaltyEntry) == 0


async def test_points_pay_at_most_what_is_due(db, salon):
    await give_card(db, salon, points=5000)
    async with db.tenant_transaction(salon.schema) as session:
        location = await session.get(Location, salon.location_id)
        location.loyalty_points_percent = Decimal(5)
    visit_id = await book(db, salon, 10)
    with pytest.raises(Invalid, match="At most 2500 points"):
        await check_out(db, salon, visit_id, redeem_points=2600)
    paid, _ = await check_out(db, salon, visit_id, redeem_points=2500)
    assert paid == 0  # all in points: nothing paid, nothing earned
    assert await count(db, salon, LoyaltyEntry, LoyaltyEntry.kind == "earned") == 0


# ---- over the API ---------------------------------------------------------------------------


def _checkout_url(visit_id) -> str:
    return f"/api/v1/salon/visits/{visit_id}/checkout"


async def test_the_api_previews_the_bill_then_checks_out(client, db, salon):
    shampoo = await add_item(db, salon, "Shampoo", kind="retail", price=Decimal(800), quantity=3)
    await give_card(db, salon, discount=10, points=100)
    visit_id = await book(db, salon, 10)
    preview = await client.get(
        _checkout_url(visit_id),
        params=[("product", f"{shampoo}:2"), ("redeem_points", "50")],
        headers=salon.headers,
    )
    assert preview.status_code == 200, preview.text
    bill = preview.json()
    assert [(line["kind"], line["name"], line["amount"]) for line in bill["lines"]] == [
        ("service", "Haircut", "2500.00"),
        ("product", "Shampoo", "1600.00"),
    ]
    assert (bill["subtotal"], bill["discount"], bill["points_available"], bill["total"]) == (
        "4100.00",
        "250.00",
        "100.00",
        "3800.00",
    )
    assert await count(db, salon, StockMove) == 0  # a preview writes nothing
    done = await client.post(
        _checkout_url(visit_id),
        json={
            "products": [{"item_id": str(shampoo), "quantity": 2}],
            "payment_method": "transfer",
            "redeem_points": 50,
        },
        headers=salon.headers,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "done" and body["paid"] == "3800.00"
    assert body["points_used"] == "50.00" and body["payment_method"] == "transfer"
    assert body["card"]["points"] == "50.00" and body["stock_short"] == []
    again = await client.post(
        _checkout_url(visit_id), json={"payment_method": "cash"}, headers=salon.headers
    )
    assert again.status_code == 409, again.text
    assert (await client.get(_checkout_url(visit_id), headers=salon.headers)).status_code == 409


async def test_the_api_refuses_bad_checkouts_and_writes_nothing(client, db, salon):
    await give_card(db, salon, points=100)
    visit_id = await book(db, salon, 10)
    bad_method = await client.post(
        _checkout_url(visit_id), json={"payment_method": "barter"}, headers=salon.headers
    )
    assert bad_method.status_code == 422 and bad_method.json()["field"] == "payment_method"
    too_many = await client.post(
        _checkout_url(visit_id),
        json={"payment_method": "cash", "redeem_points": 150},
        headers=salon.headers,
    )
    assert too_many.status_code == 422 and too_many.json()["field"] == "redeem_points"
    assert "100 points" in too_many.json()["detail"]
    async with db.tenant_transaction(salon.schema) as session:
        assert (await session.get(Visit, visit_id)).status == "booked"
    assert await count(db, salon, LoyaltyEntry) == 0
    cancelled = await book(db, salon, 12)
    await client.patch(
        f"/api/v1/salon/visits/{cancelled}", json={"status": "cancelled"}, headers=salon.headers
    )
    refused = await client.post(
        _checkout_url(cancelled), json={"payment_method": "cash"}, headers=salon.headers
    )
    assert refused.status_code == 409, refused.text


async def test_another_workspaces_visit_is_not_found(client, db, salon, make_workspace):
    visit_id = await book(db, salon, 10)
    other = await make_workspace("Other Salon", "salon")
    for answer in (
        await client.get(_checkout_url(visit_id), headers=other["headers"]),
        await client.post(
            _checkout_url(visit_id), json={"payment_method": "cash"}, headers=other["headers"]
        ),
    ):
        assert answer.status_code == 404, answer.text
    async with db.tenant_transaction(salon.schema) as session:
        assert (await session.get(Visit, visit_id)).status == "booked"


async def test_an_employee_checks_out(client, db, salon, join, sign_in):  # noqa: F811
    member = await join(salon.workspace, "employee")
    employee = await sign_in(member["email"], slug=salon.slug)
    visit_id = await book(db, salon, 10)
    done = await employee.post(_checkout_url(visit_id), json={"payment_method": "cash"})
    assert done.status_code == 200, done.text
    async with db.tenant_transaction(salon.schema) as session:
        deal = await session.scalar(select(Deal).where(Deal.contact_id == salon.client_id))
        assert str(deal.owner_id) == member["user_id"]


# ---- pages ----------------------------------------------------------------------------------


@pytest.fixture
async def desk(salon, sign_in):  # noqa: F811
    """The owner's browser on the salon's pages; forms carry the CSRF token as a field."""
    browser = await sign_in(salon.workspace["user"]["email"])
    return browser, browser.headers.pop("X-CSRF-Token")


async def test_the_checkout_page_recalculates_keeps_values_and_checks_out(db, salon, desk):
    browser, csrf = desk
    shampoo = await add_item(db, salon, "Shampoo", kind="retail", price=Decimal(800), quantity=3)
    await give_card(db, salon, discount=10, points=100)
    visit_id = await book(db, salon, 10)
    page = f"/w/{salon.slug}/salon/visits/{visit_id}/checkout"
    form = await browser.get(page)
    assert form.status_code == 200, form.text
    assert "Haircut" in form.text and "Shampoo" in form.text and "2000000000008" in form.text
    recalculated = await browser.post(
        page,
        data={
            "csrf_token": csrf,
            "item_id": [str(shampoo), ""],
            "quantity": ["2", "1"],
            "redeem_points": "500",
            "payment_method": "card",
            "action": "recalculate",
        },
    )
    assert recalculated.status_code == 200, recalculated.text
    # Too many points: said next to the field, the value kept, the bill shown without them.
    assert "The card holds only 100 points." in recalculated.text
    assert 'value="500"' in recalculated.text and "3,850.00" in recalculated.text
    refused = await browser.post(
        page,
        data={"csrf_token": csrf, "item_id": str(shampoo), "quantity": "2", "action": "checkout"},
    )
    assert refused.status_code == 422
    assert "Choose how the client pays" in refused.text
    async with db.tenant_transaction(salon.schema) as session:
        assert (await session.get(Visit, visit_id)).status == "booked"
    done = await browser.post(
        page,
        data={
            "csrf_token": csrf,
            "item_id": str(shampoo),
            "quantity": "2",
            "redeem_points": "100",
            "payment_method": "cash",
            "action": "checkout",
        },
    )
    assert done.status_code in (302, 303), done.text
    assert done.headers["location"].startswith(f"/w/{salon.slug}/salon/visits/{visit_id}/receipt")
    receipt = await browser.get(done.headers["location"])
    assert receipt.status_code == 200
    assert "The visit is checked out." in receipt.text and "3,750.00" in receipt.text
    assert "Cash" in receipt.text and "@media print" not in receipt.text
    # The checkout page of a done visit shows its receipt.
    again = await browser.get(page)
    assert again.status_code in (302, 303) and again.headers["location"].endswith("/receipt")


async def test_the_loyalty_card_page_shows_the_qr_code_and_history(db, salon, desk):
    browser, csrf = desk
    card_id = await give_card(db, salon, discount=5, points=40)
    shown = await browser.get(f"/w/{salon.slug}/salon/loyalty-cards/{card_id}")
    assert shown.status_code == 200, shown.text
    assert "<svg" in shown.text and "2000000000008" in shown.text and "Maria Ivanova" in shown.text
    adjusted = await browser.post(
        f"/w/{salon.slug}/salon/loyalty-cards/{card_id}/adjustments",
        data={"csrf_token": csrf, "points": "-50", "note": "Mistake"},
    )
    assert adjusted.status_code == 422 and "The card holds only 40 points." in adjusted.text
    assert 'value="Mistake"' in adjusted.text
    adjusted = await browser.post(
        f"/w/{salon.slug}/salon/loyalty-cards/{card_id}/adjustments",
        data={"csrf_token": csrf, "points": "60", "note": "Birthday"},
    )
    assert adjusted.status_code in (302, 303)
    shown = await browser.get(adjusted.headers["location"])
    assert "Changed by hand · Birthday" in shown.text and "+60" in shown.text
    listed = await browser.get(f"/w/{salon.slug}/salon/loyalty-cards", params={"q": "2000"})
    assert f"/salon/loyalty-cards/{card_id}" in listed.text


async def test_pages_of_another_workspace_are_not_found_and_employees_do_not_adjust(
    db,
    salon,
    make_workspace,
    sign_in,  # noqa: F811
    join,  # noqa: F811
):
    card_id = await give_card(db, salon)
    visit_id = await book(db, salon, 10)
    other = await make_workspace("Other Salon", "salon")
    stranger = await sign_in(other["user"]["email"])
    csrf = stranger.headers.pop("X-CSRF-Token")
    for path in (
        f"/w/{other['tenant']['slug']}/salon/visits/{visit_id}/checkout",
        f"/w/{other['tenant']['slug']}/salon/visits/{visit_id}/receipt",
        f"/w/{other['tenant']['slug']}/salon/loyalty-cards/{card_id}",
        f"/w/{salon.slug}/salon/loyalty-cards/{card_id}",  # not a member there
    ):
        assert (await stranger.get(path)).status_code == 404, path
    posted = await stranger.post(
        f"/w/{other['tenant']['slug']}/salon/visits/{visit_id}/checkout",
        data={"csrf_token": csrf, "payment_method": "cash", "action": "checkout"},
    )
    assert posted.status_code == 404
    member = await join(salon.workspace, "employee")
    employee = await sign_in(member["email"])
    employee_csrf = employee.headers.pop("X-CSRF-Token")
    card = await employee.get(f"/w/{salon.slug}/salon/loyalty-cards/{card_id}")
    assert card.status_code == 200 and "Change the points" not in card.text
    refused = await employee.post(
        f"/w/{salon.slug}/salon/loyalty-cards/{card_id}/adjustments",
        data={"csrf_token": employee_csrf, "points": "100", "note": "Me"},
    )
    assert refused.status_code == 403
    async with db.tenant_transaction(salon.schema) as session:
        assert (await session.get(Visit, visit_id)).status == "booked"
        assert (await session.get(LoyaltyCard, card_id)).points == 0


@pytest.mark.parametrize("huge", ["1e1000000", "-1e1000000", "1e-1000000", "9" * 400])
async def test_points_beyond_any_number_are_a_422_not_a_500(client, db, salon, huge):
    card_id = await give_card(db, salon, points=100)
    visit_id = await book(db, salon, 10)
    adjusted = await client.post(
        f"/api/v1/salon/loyalty-cards/{card_id}/adjustments",
        json={"points": huge, "note": "Подарок"},
        headers=salon.headers,
    )
    assert adjusted.status_code == 422, adjusted.text
    assert adjusted.json()["field"] == "points"
    paid = await client.post(
        _checkout_url(visit_id),
        json={"payment_method": "cash", "redeem_points": huge},
        headers=salon.headers,
    )
    assert paid.status_code == 422, paid.text
    assert paid.json()["field"] == "redeem_points"
    previewed = await client.get(
        _checkout_url(visit_id), params={"redeem_points": huge}, headers=salon.headers
    )
    assert previewed.status_code == 422, previewed.text
    async with db.tenant_transaction(salon.schema) as session:
        assert (await session.get(Visit, visit_id)).status == "booked"
        assert (await session.get(LoyaltyCard, card_id)).points == 100
