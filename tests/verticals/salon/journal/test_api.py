"""Booking through /api/v1/salon: free slots respect hours, breaks, time off and visits; a
master's time is never booked twice, not even by 50 requests at once; bad input books nothing."""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select, text

from atrium.verticals.salon.models import TimeOff, Visit
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import MOSCOW


async def _slots(client, salon, *services, master=None, days=0):
    params = [("service_id", str(service)) for service in services]
    params += [("date_from", salon.day.isoformat())]
    params += [("date_to", (salon.day + timedelta(days=days)).isoformat())]
    if master:
        params.append(("master_id", str(master)))
    response = await client.get("/api/v1/salon/slots", params=params, headers=salon.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _starts(items, master):
    from datetime import datetime

    return [
        datetime.fromisoformat(item["start"]).astimezone(MOSCOW).strftime("%H:%M")
        for item in items
        if item["master_id"] == str(master)
    ]


async def _book(client, salon, master, start, *services, headers=None):
    return await client.post(
        "/api/v1/salon/visits",
        json={
            "client_id": str(salon.client_id),
            "master_id": str(master),
            "start": start.isoformat(),
            "service_ids": [str(service) for service in services or [salon.cut]],
        },
        headers=headers or salon.headers,
    )


async def _visits(db, salon) -> int:
    async with db.tenant_transaction(salon.schema) as session:
        return await session.scalar(select(func.count()).select_from(Visit))


async def test_free_slots_follow_hours_and_the_lunch_break(client, salon):
    anna = _starts(await _slots(client, salon, salon.cut, master=salon.anna), salon.anna)
    # 60 minutes from 10:00 every 15 minutes; the last before lunch starts at 13:00, after it
    # at 15:00, the last of the day at 19:00.
    assert anna[0] == "10:00" and anna[-1] == "19:00"
    assert "13:00" in anna and "13:15" not in anna and "14:30" not in anna and "15:00" in anna
    # Anna colours for 120 minutes (her own length): the last start is 18:00.
    colour = _starts(await _slots(client, salon, salon.colour, master=salon.anna), salon.anna)
    assert colour[-1] == "18:00" and "12:15" not in colour and "12:00" in colour


async def test_any_master_offers_everyone_who_does_all_the_services(client, salon):
    items = await _slots(client, salon, salon.cut)
    assert {item["master_id"] for item in items} == {str(salon.anna), str(salon.boris)}
    assert _starts(items, salon.boris)[0] == "09:00"
    # Only Boris does a manicure; nobody does colouring and manicure both.
    assert {item["master_id"] for item in await _slots(client, salon, salon.manicure)} == {
        str(salon.boris)
    }
    assert await _slots(client, salon, salon.colour, salon.manicure) == []


async def test_free_slots_skip_days_off_vacations_and_booked_visits(client, db, salon):
    response = await _book(client, salon, salon.anna, salon.at(11))
    assert response.status_code == 201, response.text
    anna = _starts(await _slots(client, salon, salon.cut, master=salon.anna), salon.anna)
    # 11:00-12:00 is held: nothing may start from 10:15 to 11:45.
    assert "10:00" in anna and "10:15" not in anna and "11:45" not in anna and "12:00" in anna
    async with db.tenant_transaction(salon.schema) as session:
        session.add(
            TimeOff(
                master_id=salon.anna,
                starts_on=salon.day + timedelta(days=1),
                ends_on=salon.day + timedelta(days=2),
                kind="vacation",
            )
        )
    week = await _slots(client, salon, salon.cut, master=salon.anna, days=6)
    days = {item["start"][:10] for item in week}
    assert (salon.day + timedelta(days=1)).isoformat() not in days
    assert (salon.day + timedelta(days=2)).isoformat() not in days
    assert (salon.day + timedelta(days=3)).isoformat() in days
    # Boris does not work at the weekend.
    boris = await _slots(client, salon, salon.cut, master=salon.boris, days=6)
    assert (salon.day + timedelta(days=5)).isoformat() not in {i["start"][:10] for i in boris}


async def test_a_visit_holds_services_in_sequence(client, salon):
    response = await _book(client, salon, salon.anna, salon.at(10), salon.cut, salon.colour)
    assert response.status_code == 201, response.text
    visit = response.json()
    assert [service["name"] for service in visit["services"]] == ["Haircut", "Colouring"]
    assert visit["services"][1]["start"] == visit["services"][0]["end"]
    assert visit["end"].startswith(salon.at(13).astimezone(MOSCOW).isoformat()[:16]) or (
        visit["end"] == salon.at(13).isoformat()
    )
    assert visit["subtotal"] in ("9500.00", "9500")  # 2,500 + Anna's own 7,000
    assert visit["client_name"] == "Maria Ivanova"


async def test_second_booking_of_the_same_slot_is_refused(client, db, salon):
    assert (await _book(client, salon, salon.anna, salon.at(11))).status_code == 201
    overlapping = await _book(client, salon, salon.anna, salon.at(11, 30))
    assert overlapping.status_code == 409
    assert overlapping.headers["content-type"].startswith("application/problem+json")
    assert "Anna" in overlapping.json()["detail"]
    # Back to back is fine, and another master at the same time too.
    assert (await _book(client, salon, salon.anna, salon.at(12))).status_code == 201
    assert (await _book(client, salon, salon.boris, salon.at(11))).status_code == 201
    assert await _visits(db, salon) == 3


async def test_fifty_concurrent_requests_for_one_slot_make_exactly_one_booking(client, db, salon):
    answers = await asyncio.gather(
        *(_book(client, salon, salon.anna, salon.at(16)) for _ in range(50))
    )
    codes = sorted(answer.status_code for answer in answers)
    assert codes.count(201) == 1, codes
    assert set(codes) == {201, 409}, codes
    assert await _visits(db, salon) == 1


async def test_the_database_itself_refuses_overlapping_visits(client, db, salon):
    """Even SQL that skips the service cannot double-book a master."""
    assert (await _book(client, salon, salon.anna, salon.at(11))).status_code == 201
    async with db.tenant_transaction(salon.schema) as session:
        visit = await session.scalar(select(Visit))
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="salon_visits_no_overlap"):
        async with db.tenant_transaction(salon.schema) as session:
            session.add(
                Visit(
                    location_id=visit.location_id,
                    master_id=visit.master_id,
                    contact_id=visit.contact_id,
                    starts_at=visit.starts_at + timedelta(minutes=30),
                    ends_at=visit.ends_at + timedelta(minutes=30),
                )
            )
    assert text  # the constraint, not a check in code, refused it


async def test_bad_bookings_are_clear_4xx_and_book_nothing(client, db, salon):
    cases = [
        (await _book(client, salon, salon.anna, salon.at(21)), 422, "start"),  # after hours
        (await _book(client, salon, salon.anna, salon.at(14, 30)), 422, "start"),  # lunch
        (await _book(client, salon, salon.anna, salon.at(11), salon.manicure), 422, "service_ids"),
        (
            await _book(client, salon, salon.anna, salon.at(11, days=-14)),
            422,
            "start",
        ),  # the past
        (await _book(client, salon, salon.boris, salon.at(11, days=5)), 422, "start"),  # Saturday
    ]
    for answer, status, field in cases:
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert field in answer.text
    no_client = await client.post(
        "/api/v1/salon/visits",
        json={"master_id": str(salon.anna), "start": salon.at(11).isoformat(), "service_ids": []},
        headers=salon.headers,
    )
    assert no_client.status_code in (400, 422)
    assert await _visits(db, salon) == 0


async def test_a_new_client_is_made_once_from_name_and_phone(client, db, salon):
    body = {
        "master_id": str(salon.boris),
        "start": salon.at(9).isoformat(),
        "service_ids": [str(salon.manicure)],
        "client": {"first_name": "Olga", "phone": "+7 916 765-43-21"},
    }
    first = await client.post("/api/v1/salon/visits", json=body, headers=salon.headers)
    assert first.status_code == 201, first.text
    body["start"] = salon.at(10).isoformat()
    second = await client.post("/api/v1/salon/visits", json=body, headers=salon.headers)
    assert second.status_code == 201, second.text
    assert first.json()["client_id"] == second.json()["client_id"]
    # A known phone finds Maria, whatever name is typed.
    body["start"], body["client"] = salon.at(11).isoformat(), {"phone": "+7 (916) 123 45 67"}
    third = await client.post("/api/v1/salon/visits", json=body, headers=salon.headers)
    assert third.status_code == 201, third.text
    assert third.json()["client_id"] == str(salon.client_id)


async def test_moving_and_cancelling_free_the_old_time(client, salon):
    visit = (await _book(client, salon, salon.anna, salon.at(11))).json()
    moved = await client.patch(
        f"/api/v1/salon/visits/{visit['id']}",
        json={"start": salon.at(12).isoformat(), "master_id": str(salon.boris)},
        headers=salon.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["master_id"] == str(salon.boris)
    assert (await _book(client, salon, salon.anna, salon.at(11))).status_code == 201
    assert (await _book(client, salon, salon.boris, salon.at(12))).status_code == 409
    cancelled = await client.patch(
        f"/api/v1/salon/visits/{visit['id']}", json={"status": "cancelled"}, headers=salon.headers
    )
    assert cancelled.json()["status"] == "cancelled"
    assert (await _book(client, salon, salon.boris, salon.at(12))).status_code == 201
    # A cancelled visit cannot be moved or come back.
    again = await client.patch(
        f"/api/v1/salon/visits/{visit['id']}", json={"status": "booked"}, headers=salon.headers
    )
    assert again.status_code == 409


async def test_another_workspace_cannot_see_or_book_with_these_ids(client, salon, make_workspace):
    visit = (await _book(client, salon, salon.anna, salon.at(11))).json()
    other = await make_workspace("Other Salon", "salon")
    assert (
        await client.get(f"/api/v1/salon/visits/{visit['id']}", headers=other["headers"])
    ).status_code == 404
    assert (
        await client.patch(
            f"/api/v1/salon/visits/{visit['id']}",
            json={"status": "cancelled"},
            headers=other["headers"],
        )
    ).status_code == 404
    stolen = await _book(client, salon, salon.anna, salon.at(12), headers=other["headers"])
    assert stolen.status_code == 422  # no such master or client there
    listed = await client.get(
        "/api/v1/salon/visits",
        params={"date_from": salon.day.isoformat()},
        headers=other["headers"],
    )
    assert listed.json()["items"] == []


async def test_a_date_no_salon_can_mean_is_a_clear_refusal_everywhere(
    client,
    salon,
    sign_in,  # noqa: F811
):
    api = [
        ("/api/v1/salon/slots", {"service_id": str(salon.cut), "date_from": "0001-01-01"}),
        ("/api/v1/salon/slots", {"service_id": str(salon.cut), "date_from": "9999-12-31"}),
        ("/api/v1/salon/visits", {"date_from": "9999-12-31"}),
        (
            f"/api/public/{salon.slug}/slots",
            {
                "location_id": str(salon.location_id),
                "service_id": str(salon.cut),
                "date_to": "9999-12-31",
            },
        ),  # fmt: skip
    ]
    for path, params in api:
        refused = await client.get(path, params=params, headers=salon.headers)
        assert refused.status_code == 422, (path, params, refused.text)
        assert "Choose a date from 2000-01-01 to 2099-12-31." in refused.json()["detail"]
    # The journal opens on today instead.
    desk = await sign_in(salon.workspace["user"]["email"])
    journal = await desk.get(f"/w/{salon.slug}/salon/journal?day=0001-01-01")
    assert journal.status_code == 200
