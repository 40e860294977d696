"""Loyalty cards: issued at the checkout whose spend reaches the salon's threshold (never before,
never twice), or at the first one when the salon gives points; points earned and redeemed with
their history; managers issue cards and adjust points; card numbers are EAN-13."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from atrium.platform.errors import Conflict, Invalid
from atrium.verticals.salon.loyalty import service as loyalty
from atrium.verticals.salon.models import Location, LoyaltyCard, LoyaltyEntry
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.verticals.salon.checkout.test_checkout import book, check_out


async def set_rule(db, salon, *, threshold=None, discount=None, points=None) -> None:
    async with db.tenant_transaction(salon.schema) as session:
        location = await session.get(Location, salon.location_id)
        location.loyalty_threshold = None if threshold is None else Decimal(threshold)
        location.loyalty_discount_percent = None if discount is None else Decimal(discount)
        location.loyalty_points_percent = None if points is None else Decimal(points)


async def card_and_history(db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        card = await loyalty.card_of(session, salon.client_id)
        history = await loyalty.card_history(session, card.id) if card else []
        spend = await loyalty.lifetime_spend(session, salon.client_id)
        return card, [(entry.kind, entry.points) for entry in reversed(history)], spend


def test_card_numbers_are_ean13_with_a_valid_check_digit():
    numbers = {loyalty.new_card_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(loyalty.is_card_number(number) and number[0] == "2" for number in numbers)
    assert loyalty.ean13_check_digit("400638133393") == "1"  # a known EAN-13: 4006381333931
    assert not loyalty.is_card_number("4006381333932")


async def test_the_card_comes_with_the_checkout_that_reaches_the_threshold(db, salon):
    await set_rule(db, salon, threshold=4000, discount=5)
    await check_out(db, salon, await book(db, salon, 10))  # 2,500: below
    card, _, spend = await card_and_history(db, salon)
    assert card is None and spend == 2500
    await check_out(db, salon, await book(db, salon, 11))  # 5,000: crosses 4,000
    card, history, spend = await card_and_history(db, salon)
    assert spend == 5000 and card.discount_percent == 5 and history == [("issued", 0)]
    assert loyalty.is_card_number(card.number) and card.location_id == salon.location_id
    paid, _ = await check_out(db, salon, await book(db, salon, 12))  # the discount applies
    assert paid == Decimal("2375.00")
    again, history, spend = await card_and_history(db, salon)
    assert again.id == card.id and history == [("issued", 0)] and spend == 7375
    async with db.tenant_transaction(salon.schema) as session:
        assert len((await session.scalars(select(LoyaltyCard))).all()) == 1


async def test_points_are_earned_on_money_paid_and_redeemed_with_their_history(db, salon):
    await set_rule(db, salon, threshold=6000, discount=10, points=10)
    # A salon giving points issues the card at the first checkout, discount still to come.
    await check_out(db, salon, await book(db, salon, 10))  # pays 2,500: 250 points
    card, history, _ = await card_and_history(db, salon)
    assert card.discount_percent == 0 and card.points == 250
    assert history == [("issued", 0), ("earned", 250)]
    paid, _ = await check_out(db, salon, await book(db, salon, 11), redeem_points=105)
    assert paid == 2395  # 239.5 points, rounded down
    card, history, spend = await card_and_history(db, salon)
    assert card.points == 250 - 105 + 239 and spend == 5000
    assert history[-2:] == [("redeemed", -105), ("earned", 239)]
    # The threshold reached: the same card gets the discount.
    await check_out(db, salon, await book(db, salon, 12))
    card, history, _ = await card_and_history(db, salon)
    assert card.discount_percent == 10 and history[-2:] == [("adjusted", 0), ("earned", 250)]
    assert [kind for kind, _ in history].count("issued") == 1


async def test_managers_issue_cards_and_adjust_points_never_below_zero(db, salon):
    await set_rule(db, salon, threshold=100000, discount=7)
    async with db.tenant_transaction(salon.schema) as session:
        card = await loyalty.issue_card(session, salon.client_id, salon.location_id)
        assert card.discount_percent == 7
        with pytest.raises(Conflict):
            await loyalty.issue_card(session, salon.client_id, salon.location_id)
        await loyalty.adjust_points(session, card.id, "150", "Welcome gift")
        with pytest.raises(Invalid, match="holds only 150 points"):
            await loyalty.adjust_points(session, card.id, -200, "Typo")
        with pytest.raises(Invalid) as no_reason:
            await loyalty.adjust_points(session, card.id, 10, "  ")
        assert no_reason.value.field == "note"
        await loyalty.adjust_points(session, card.id, Decimal("-50"), "Typo")
        assert card.points == 100
        entries = await session.scalars(
            select(LoyaltyEntry).where(LoyaltyEntry.card_id == card.id).order_by(LoyaltyEntry.id)
        )
        assert sorted((entry.kind, entry.points, entry.note) for entry in entries) == [
            ("adjusted", -50, "Typo"),
            ("adjusted", 150, "Welcome gift"),
            ("issued", 0, ""),
        ]


# ---- over the API ---------------------------------------------------------------------------

CARDS = "/api/v1/salon/loyalty-cards"


async def test_cards_are_found_shown_and_drawn_as_qr_codes(client, db, salon):
    await set_rule(db, salon, points=10)
    await check_out(db, salon, await book(db, salon, 10))
    listed = await client.get(CARDS, params={"q": "mari"}, headers=salon.headers)
    assert listed.status_code == 200, listed.text
    [card] = listed.json()["items"]
    assert card["client_name"] == "Maria Ivanova" and card["points"] == "250.00"
    by_number = await client.get(f"{CARDS}/by-number/{card['number']}", headers=salon.headers)
    assert by_number.status_code == 200 and by_number.json()["id"] == card["id"]
    assert [e["kind"] for e in by_number.json()["history"]] == ["earned", "issued"]
    assert by_number.json()["lifetime_spend"] == "2500.00"
    assert (
        await client.get(CARDS, params={"q": card["number"][:6]}, headers=salon.headers)
    ).json()["items"]
    assert (await client.get(CARDS, params={"q": "Petrov"}, headers=salon.headers)).json()[
        "items"
    ] == []
    qr = await client.get(f"{CARDS}/{card['id']}/qr.svg", headers=salon.headers)
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert qr.text.lstrip().startswith("<?xml") and "<svg" in qr.text
    assert (
        await client.get(f"{CARDS}/by-number/2999999999999", headers=salon.headers)
    ).status_code == 404


async def test_managers_issue_and_adjust_employees_may_not(client, db, salon, join, sign_in):  # noqa: F811
    issued = await client.post(
        CARDS,
        json={"client_id": str(salon.client_id), "location_id": str(salon.location_id)},
        headers=salon.headers,
    )
    assert issued.status_code == 201, issued.text
    card_id = issued.json()["id"]
    twice = await client.post(
        CARDS,
        json={"client_id": str(salon.client_id), "location_id": str(salon.location_id)},
        headers=salon.headers,
    )
    assert twice.status_code == 409
    added = await client.post(
        f"{CARDS}/{card_id}/adjustments",
        json={"points": 300, "note": "Birthday gift"},
        headers=salon.headers,
    )
    assert added.status_code == 201 and added.json()["points"] == "300.00"
    below = await client.post(
        f"{CARDS}/{card_id}/adjustments", json={"points": -301, "note": "x"}, headers=salon.headers
    )
    assert below.status_code == 422 and below.json()["field"] == "points"
    member = await join(salon.workspace, "employee")
    employee = await sign_in(member["email"], slug=salon.slug)
    assert (await employee.get(f"{CARDS}/{card_id}")).status_code == 200
    refused = await employee.post(
        f"{CARDS}/{card_id}/adjustments", json={"points": 1000, "note": "Me"}
    )
    assert refused.status_code == 403
    assert (await employee.get(f"{CARDS}/{card_id}")).json()["points"] == "300.00"


async def test_another_workspaces_card_is_not_found(client, db, salon, make_workspace):
    await set_rule(db, salon, points=5)
    await check_out(db, salon, await book(db, salon, 10))
    async with db.tenant_transaction(salon.schema) as session:
        card = await loyalty.card_of(session, salon.client_id)
    other = await make_workspace("Other Salon", "salon")
    for path in (
        f"{CARDS}/{card.id}",
        f"{CARDS}/{card.id}/qr.svg",
        f"{CARDS}/by-number/{card.number}",
    ):
        assert (await client.get(path, headers=other["headers"])).status_code == 404
    adjusted = await client.post(
        f"{CARDS}/{card.id}/adjustments", json={"points": 5, "note": "x"}, headers=other["headers"]
    )
    assert adjusted.status_code == 404
    assert (await client.get(CARDS, headers=other["headers"])).json()["items"] == []
