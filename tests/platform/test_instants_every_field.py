"""Every date and instant the API accepts, found in its own OpenAPI document (so a new field is
covered the day it is added), is refused outside 1900-2200 (or a narrower range of its own, such
as the salon's days) with a 422 problem naming it: year 1 at +14:00 and year 9999 at -14:00 (in
Python's range as written, not once in UTC), and the plain dates 0001-01-01 and 9999-12-31.
The rest of each request is valid, with real records of a salon for its ids, so that before the
rule the value reached the services.

The public booking API is not in the document; its two instants are tested by name below."""

import uuid

import pytest

from tests.verticals.salon.conftest import Salon, build_salon

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
EXTREMES = {
    "date-time": ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z"],
    "date": ["0001-01-01", "9999-12-31"],
}


def _resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _choices(document: dict, node: dict) -> list[dict]:
    node = _resolve(document, node)
    options = node.get("oneOf") or node.get("anyOf")
    if not options:
        return [node]
    return [_resolve(document, option) for option in options]


def date_fields(document: dict, node: dict, path: str = "") -> list[tuple[str, str]]:
    """(dotted path, format) of each date and date-time in a schema, nested ones included."""
    found = []
    for choice in _choices(document, node):
        if choice.get("format") in EXTREMES:
            found.append((path, choice["format"]))
        for key, sub in choice.get("properties", {}).items():
            found += date_fields(document, sub, f"{path}.{key}" if path else key)
        if "items" in choice:
            found += date_fields(document, choice["items"], path)
    return list(dict.fromkeys(found))


# What services ask for beyond the document's "required" (checked after decoding, so without
# them a request stopped before its date was used when the rule was missing).
FILLED = {"kind": "task", "title": "x", "channel": "phone", "client_id": None}


def sample(document: dict, node: dict, name: str, ids: dict[str, str]):
    """A valid value for a schema: the salon's real record for an id named like one."""
    options = [c for c in _choices(document, node) if c.get("type") != "null"]
    choice = options[0] if options else {}
    kind = choice.get("type")
    if "enum" in choice:
        return choice["enum"][0]
    if choice.get("format") == "uuid":
        return ids.get(name.removesuffix("s"), str(uuid.uuid4()))
    if choice.get("format") == "date-time":
        return "2030-01-01T10:00:00+03:00"
    if choice.get("format") == "date":
        return "2030-01-01"
    if choice.get("format") == "email":
        return "someone@example.com"
    if kind == "string":
        return "x" * max(choice.get("minLength", 0), 4)
    if kind in ("integer", "number"):
        return max(choice.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if kind == "array":
        item = sample(document, choice.get("items", {}), name, ids)
        return [item] * max(choice.get("minItems", 0), 1 if name.removesuffix("s") in ids else 0)
    if kind == "object" or "properties" in choice:
        return {
            key: sample(document, sub, key, ids)
            for key, sub in choice.get("properties", {}).items()
            if key in choice.get("required", [])
        } | {
            key: ids.get(key, value)
            for key, value in FILLED.items()
            if key in choice.get("properties", {}) and key not in choice.get("required", [])
        }
    return None


def body_with(body: dict, path: str, value: str) -> dict:
    """``body`` with the field at the dotted ``path`` set to ``value`` (made where missing)."""
    *parents, last = path.split(".")
    node = body
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return body


def cases(document: dict) -> list[tuple[str, str, str, str, str]]:
    """(method, path, where, field, value) for every date field of every operation."""
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                for _, fmt in date_fields(document, parameter.get("schema", {})):
                    for value in EXTREMES[fmt]:
                        found.append((method, path, "query", parameter["name"], value))
            schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            for field, fmt in date_fields(document, schema or {}):
                for value in EXTREMES[fmt]:
                    found.append((method, path, "body", field, value))
    return found


async def _records(client, salon: Salon) -> dict[str, str]:
    """One real record of each kind a path or a body names by id."""
    headers = salon.headers
    activity = await client.post(
        f"{API}/activities", json={"kind": "task", "title": "x"}, headers=headers
    )
    segment = await client.post(
        f"{API}/segments", json={"name": "All", "conditions": []}, headers=headers
    )
    campaign = await client.post(
        f"{API}/campaigns",
        json={"name": "x", "channel": "email", "subject": "x", "body": "x",
              "segment_id": segment.json()["id"]},
        headers=headers,
    )  # fmt: skip
    visit = await client.post(
        f"{API}/salon/visits",
        json={"client_id": str(salon.client_id), "master_id": str(salon.anna),
              "start": salon.at(11).isoformat(), "service_ids": [str(salon.cut)]},
        headers=headers,
    )  # fmt: skip
    for answer in (activity, segment, campaign, visit):
        assert answer.status_code == 201, answer.text
    return {
        "activity_id": activity.json()["id"],
        "campaign_id": campaign.json()["id"],
        "segment_id": segment.json()["id"],
        "visit_id": visit.json()["id"],
        "contact_id": str(salon.client_id),
        "client_id": str(salon.client_id),
        "master_id": str(salon.anna),
        "service_id": str(salon.cut),
        "location_id": str(salon.location_id),
    }


async def test_every_date_and_instant_of_the_api_is_refused_out_of_range_naming_its_field(
    client, db, make_workspace, app
):
    document = app.openapi_schema.to_schema()
    found = cases(document)
    assert len({(m, p) for m, p, *_ in found}) >= 10, found  # the document was read
    salon = await build_salon(db, await make_workspace(company="Every Instant"))
    ids = await _records(client, salon)
    wrong = []
    for method, path, where, field, value in found:
        operation = document["paths"][path][method]
        url = path
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] == "path":
                assert name in ids, f"add a real record for {name} ({method} {path})"
                url = url.replace(f"{{{name}}}", ids[name])
        query = {
            p["name"]: sample(document, p.get("schema", {}), p["name"], ids)
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        body = None
        if schema := operation.get("requestBody", {}).get("content", {}).get("application/json"):
            body = sample(document, schema["schema"], "", ids)
        if where == "query":
            query[field] = value
        else:
            body = body_with(body, field, value)
        answer = await client.request(
            method.upper(), url, params=query, json=body, headers=salon.headers
        )
        refusal = answer.json() if answer.status_code < 500 else {}
        if not (
            answer.status_code == 422
            and answer.headers["content-type"].startswith(PROBLEM_JSON)
            and refusal.get("field") == field.rsplit(".", 1)[-1]
            and refusal.get("detail")
        ):
            wrong.append((method.upper(), url, field, value, answer.status_code, answer.text[:200]))
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize("value", EXTREMES["date-time"])
async def test_the_public_booking_refuses_a_start_out_of_range(client, db, make_workspace, value):
    salon = await build_salon(db, await make_workspace(company="Public Instant"))
    answer = await client.post(
        f"/api/public/{salon.slug}/bookings",
        json={"location_id": str(salon.location_id), "service_ids": [str(salon.cut)],
              "start": value, "first_name": "Maria", "phone": "+79161234567"},
    )  # fmt: skip
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "start"
