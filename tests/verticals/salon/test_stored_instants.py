"""What an older version let a salon store — a visit in year 1 BC (year 1 at +14:00), a time
off to year 9999 — no longer breaks the client's card, the master's time off, the journal or
free times: each reads as the nearest end of the range every date keeps to."""

import sqlalchemy as sa

from atrium.platform.config import get_settings
from tests.platform.conftest import new_browser, sign_in  # noqa: F401

EARLY = "0001-01-01T00:00:00+14:00"


def _sql(statement: str, **values) -> None:
    engine = sa.create_engine(get_settings().database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(statement), values)
    engine.dispose()


async def test_a_visit_in_year_one_and_time_off_to_year_9999_do_not_break_reads(
    client,
    salon,
    sign_in,  # noqa: F811
):
    headers, schema = salon.headers, salon.schema.name
    booked = await client.post(
        "/api/v1/salon/visits",
        json={"client_id": str(salon.client_id), "master_id": str(salon.anna),
              "start": salon.at(11).isoformat(), "service_ids": [str(salon.cut)]},
        headers=headers,
    )  # fmt: skip
    assert booked.status_code == 201, booked.text
    off = await client.post(
        f"/api/v1/salon/masters/{salon.anna}/time-off",
        json={"starts_on": salon.day.isoformat(), "kind": "vacation"},
        headers=headers,
    )
    assert off.status_code == 201, off.text
    visit_id = booked.json()["id"]
    _sql(
        f'UPDATE "{schema}".salon_visit_services SET starts_at = CAST(:early AS timestamptz), '
        "ends_at = CAST(:early AS timestamptz) + interval '1 hour' WHERE visit_id = :id",
        early=EARLY, id=visit_id,
    )  # fmt: skip
    _sql(
        f'UPDATE "{schema}".salon_visits SET starts_at = CAST(:early AS timestamptz), '
        "ends_at = CAST(:early AS timestamptz) + interval '1 hour', status = 'done' "
        "WHERE id = :id",
        early=EARLY, id=visit_id,
    )  # fmt: skip
    _sql(f"UPDATE \"{schema}\".salon_time_off SET ends_on = '9999-12-31' WHERE id = :id",
         id=off.json()["id"])  # fmt: skip

    card = await client.get(f"/api/v1/salon/clients/{salon.client_id}", headers=headers)
    assert card.status_code == 200, card.text
    assert card.json()["last_visit"].startswith("1900-01-01")
    time_off = await client.get(f"/api/v1/salon/masters/{salon.anna}/time-off", headers=headers)
    assert time_off.status_code == 200, time_off.text
    assert time_off.json()["items"][0]["ends_on"] == "2200-12-31"
    visit = await client.get(f"/api/v1/salon/visits/{visit_id}", headers=headers)
    assert visit.status_code == 200, visit.text
    slots = await client.get(
        "/api/v1/salon/slots",
        params={"service_id": str(salon.cut), "date_from": salon.day.isoformat()},
        headers=headers,
    )
    assert slots.status_code == 200 and {s["master_id"] for s in slots.json()["items"]} == {
        str(salon.boris)
    }

    desk = await sign_in(salon.workspace["user"]["email"])
    for path in (f"/salon/clients/{salon.client_id}", "/salon/clients",
                 f"/salon/journal?day={salon.day.isoformat()}",
                 f"/salon/journal/visits/{visit_id}",
                 f"/salon/catalog/masters/{salon.anna}", "/salon/results"):  # fmt: skip
        page = await desk.get(f"/w/{salon.slug}{path}")
        assert page.status_code == 200, (path, page.status_code, page.text[:300])


async def test_the_journal_form_and_time_off_form_refuse_year_9999_beside_the_field(
    client,
    salon,
    sign_in,  # noqa: F811
):
    desk = await sign_in(salon.workspace["user"]["email"])
    csrf = desk.headers.pop("X-CSRF-Token")
    booked = await desk.post(
        f"/w/{salon.slug}/salon/journal/visits",
        data={"csrf_token": csrf, "location": str(salon.location_id),
              "master_id": str(salon.boris), "start": "9999-12-31T23:00",
              "service_id": [str(salon.cut)], "client_id": str(salon.client_id)},
    )  # fmt: skip
    assert booked.status_code == 422, booked.text[:300]
    assert "Start must be between 1900-01-01 and 2200-12-31." in booked.text
    refused = await client.post(
        f"/api/v1/salon/masters/{salon.anna}/time-off",
        json={"starts_on": "2030-01-01", "ends_on": "9999-12-31"},
        headers=salon.headers,
    )
    assert refused.status_code == 422 and refused.json()["field"] == "ends_on"
    assert "Last day" in refused.json()["detail"]
