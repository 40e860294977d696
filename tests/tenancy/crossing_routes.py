"""The routes the cross-workspace tests aim at, read from the app's own OpenAPI document, so a
new route with an ``{..._id}`` in its path is aimed at as soon as it exists (or the coverage
test names it), and the one comparison they all make: another workspace's id is answered
exactly as an id nobody has."""

import json
import re
from dataclasses import dataclass

from tests.tenancy.crossing_kit import API, MARKER

# The kind of record each path parameter names.
KIND_OF_PARAM = {
    "contact_id": "contact",
    "company_id": "company",
    "deal_id": "deal",
    "activity_id": "activity",
    "appeal_id": "appeal",
    "product_id": "product",
    "lead_id": "lead",
    "note_id": "note",
    "team_id": "team",
    "segment_id": "segment",
    "subject_id": "appeal_subject",
    "pipeline_id": "pipeline",
    "field_id": "custom_field",
    "key_id": "api_key",
    "invitation_id": "invitation",
    "user_id": "member",
    "campaign_id": "campaign",
    "location_id": "location",
    "service_id": "service",
    "master_id": "master",
    "item_id": "stock_item",
    "card_id": "loyalty_card",
}
# Ids the tests do not make yet, and why; their routes get only unknown ids there.
UNCOVERED = {
    "batch_id": "an import batch needs an uploaded file and the job worker",
    "notification_id": "notifications are made by jobs the tests do not run",
    "time_off_id": "a master's time off is not made by the seed",
    "visit_id": "a visit needs a master's hours, a service and a free slot",
}

# A body that would be accepted with an own id, per route taking a body ("$M": a marker,
# "$own:<kind>": an id of the caller's workspace). Others get none, or {} for PATCH.
BODIES = {
    ("PATCH", "/members/{user_id}"): {"role": "employee"},
    ("PATCH", "/contacts/{contact_id}"): {"first_name": "$M"},
    ("POST", "/contacts/{contact_id}/merge"): {"duplicate_id": "$own:contact"},
    ("POST", "/contacts/{contact_id}/notes"): {"body": "$M"},
    ("POST", "/contacts/{contact_id}/telegram"): {"text": "$M"},
    ("PATCH", "/companies/{company_id}"): {"name": "$M"},
    ("PATCH", "/deals/{deal_id}"): {"title": "$M"},
    ("PUT", "/deals/{deal_id}/lines"): [],
    ("POST", "/deals/{deal_id}/move"): {"stage_id": "$own:stage"},
    ("PATCH", "/appeals/{appeal_id}"): {"result": "$M"},
    ("PATCH", "/appeal-subjects/{subject_id}"): {"name": "$M"},
    ("PATCH", "/activities/{activity_id}"): {"title": "$M"},
    ("PATCH", "/products/{product_id}"): {"name": "$M"},
    ("POST", "/imports/{batch_id}/start"): {},
    ("POST", "/leads/{lead_id}/assign"): {"assignee_id": "$own:member"},
    ("POST", "/leads/{lead_id}/convert"): {},
    ("PATCH", "/teams/{team_id}"): {"name": "$M"},
    ("PATCH", "/segments/{segment_id}"): {"name": "$M"},
    ("PATCH", "/campaigns/{campaign_id}"): {"name": "$M", "channel": "email"},
    ("POST", "/campaigns/{campaign_id}/test"): {"to": "ann@example.com"},
    ("POST", "/campaigns/{campaign_id}/schedule"): {},
    ("PATCH", "/salon/locations/{location_id}"): {"name": "$M"},
    ("PATCH", "/salon/services/{service_id}"): {"name": "$M"},
    ("PATCH", "/salon/masters/{master_id}"): {"name": "$M"},
    ("POST", "/salon/masters/{master_id}/time-off"): {"starts_on": "2030-01-01"},
    ("PUT", "/salon/masters/{master_id}/hours"): {"hours": []},
    ("PUT", "/salon/masters/{master_id}/services"): {"services": []},
    ("PATCH", "/salon/stock/items/{item_id}"): {"name": "$M"},
    ("PATCH", "/salon/visits/{visit_id}"): {},
    ("POST", "/salon/visits/{visit_id}/checkout"): {"payment_method": "cash"},
    ("POST", "/salon/loyalty-cards/{card_id}/adjustments"): {"note": "$M", "points": 1},
}

# Ids given in bodies: (method, path, body with "$X" where the id goes, the id's kind).
LINKS = [
    ("POST", "contacts", {"first_name": "$M", "owner_id": "$X"}, "member"),
    ("POST", "contacts", {"first_name": "$M", "team_id": "$X"}, "team"),
    ("PATCH", "contacts/$own:contact", {"owner_id": "$X"}, "member"),
    ("PATCH", "contacts/$own:contact", {"team_id": "$X"}, "team"),
    ("POST", "contacts/$own:contact/merge", {"duplicate_id": "$X"}, "contact"),
    ("POST", "companies", {"name": "$M", "owner_id": "$X"}, "member"),
    ("POST", "companies", {"name": "$M", "team_id": "$X"}, "team"),
    ("POST", "deals", {"title": "$M", "pipeline_id": "$X"}, "pipeline"),
    ("POST", "deals", {"title": "$M", "pipeline_id": "$own:pipeline", "stage_id": "$X"}, "stage"),
    (
        "POST",
        "deals",
        {"title": "$M", "pipeline_id": "$own:pipeline", "contact_id": "$X"},
        "contact",
    ),
    (
        "POST",
        "deals",
        {"title": "$M", "pipeline_id": "$own:pipeline", "company_id": "$X"},
        "company",
    ),
    ("POST", "deals", {"title": "$M", "pipeline_id": "$own:pipeline", "owner_id": "$X"}, "member"),
    ("POST", "deals", {"title": "$M", "pipeline_id": "$own:pipeline", "team_id": "$X"}, "team"),
    ("PATCH", "deals/$own:deal", {"contact_id": "$X"}, "contact"),
    ("PATCH", "deals/$own:deal", {"company_id": "$X"}, "company"),
    ("POST", "deals/$own:deal/move", {"stage_id": "$X"}, "stage"),
    ("PUT", "deals/$own:deal/lines", [{"product_id": "$X"}], "product"),
    ("POST", "activities", {"kind": "task", "title": "$M", "contact_id": "$X"}, "contact"),
    ("POST", "activities", {"kind": "task", "title": "$M", "company_id": "$X"}, "company"),
    ("POST", "activities", {"kind": "task", "title": "$M", "deal_id": "$X"}, "deal"),
    ("POST", "activities", {"kind": "task", "title": "$M", "assignee_id": "$X"}, "member"),
    ("PATCH", "activities/$own:activity", {"contact_id": "$X"}, "contact"),
    ("POST", "appeals", {"channel": "phone", "kind": "order", "contact_id": "$X"}, "contact"),
    ("POST", "appeals", {"channel": "phone", "kind": "order", "employee_id": "$X"}, "member"),
    ("POST", "leads/$own:lead/assign", {"assignee_id": "$X"}, "member"),
    ("POST", "leads/$own:lead/convert", {"pipeline_id": "$X"}, "pipeline"),
    (
        "POST",
        "campaigns",
        {"name": "$M", "channel": "email", "subject": "$M", "body": "Hi", "segment_id": "$X"},
        "segment",
    ),
    ("POST", "teams", {"name": "$M", "member_ids": ["$X"]}, "member"),
    ("PATCH", "teams/$own:team", {"member_ids": ["$X"]}, "member"),
    ("POST", "assignment-rules", {"name": "$M", "user_ids": ["$X"]}, "member"),
    ("POST", "salon/masters", {"name": "$M", "location_id": "$X"}, "location"),
    (
        "POST",
        "salon/masters",
        {"name": "$M", "location_id": "$own:location", "user_id": "$X"},
        "member",
    ),
    ("PUT", "salon/masters/$own:master/services", {"services": [{"service_id": "$X"}]}, "service"),
    ("POST", "salon/loyalty-cards", {"client_id": "$X", "location_id": "$own:location"}, "contact"),
    (
        "POST",
        "salon/loyalty-cards",
        {"client_id": "$own2:contact", "location_id": "$X"},
        "location",
    ),
    (
        "POST",
        "salon/stock/adjustments",
        {"item_id": "$X", "location_id": "$own:location", "quantity": "1"},
        "stock_item",
    ),
    (
        "POST",
        "salon/stock/adjustments",
        {"item_id": "$own:stock_item", "location_id": "$X", "quantity": "1"},
        "location",
    ),
    ("POST", "contacts", {"first_name": "$M", "companies": [{"company_id": "$X"}]}, "company"),
    ("PATCH", "contacts/$own:contact", {"companies": [{"company_id": "$X"}]}, "company"),
    ("PATCH", "companies/$own:company", {"owner_id": "$X"}, "member"),
    ("PATCH", "companies/$own:company", {"team_id": "$X"}, "team"),
    ("PATCH", "deals/$own:deal", {"pipeline_id": "$X"}, "pipeline"),
    ("PATCH", "deals/$own:deal", {"stage_id": "$X"}, "stage"),
    ("PATCH", "deals/$own:deal", {"owner_id": "$X"}, "member"),
    ("PATCH", "deals/$own:deal", {"team_id": "$X"}, "team"),
    ("PATCH", "activities/$own:activity", {"company_id": "$X"}, "company"),
    ("PATCH", "activities/$own:activity", {"deal_id": "$X"}, "deal"),
    ("PATCH", "activities/$own:activity", {"assignee_id": "$X"}, "member"),
    (
        "PATCH",
        "campaigns/$own:campaign",
        {"name": "$M", "channel": "email", "subject": "$M", "body": "Hi", "segment_id": "$X"},
        "segment",
    ),
    (
        "POST",
        "price-lists",
        {"name": "$M", "prices": [{"product_id": "$X", "price": "1"}]},
        "product",
    ),
    ("PATCH", "salon/masters/$own:master", {"location_id": "$X"}, "location"),
    ("PATCH", "salon/masters/$own:master", {"user_id": "$X"}, "member"),
    (
        "POST",
        "salon/services",
        {
            "name": "$M",
            "duration_minutes": 30,
            "price": "900",
            "consumables": [{"item_id": "$X", "quantity": "1"}],
        },
        "stock_item",
    ),
    (
        "PATCH",
        "salon/services/$own:service",
        {"consumables": [{"item_id": "$X", "quantity": "1"}]},
        "stock_item",
    ),
    ("POST", "salon/stock/items", {"name": "$M", "levels": [{"location_id": "$X"}]}, "location"),
    ("PATCH", "salon/stock/items/$own:stock_item", {"levels": [{"location_id": "$X"}]}, "location"),
    (
        "POST",
        "salon/stock/receipts",
        {"location_id": "$X", "lines": [{"item_id": "$own:stock_item", "quantity": "1"}]},
        "location",
    ),
    (
        "POST",
        "salon/stock/receipts",
        {"location_id": "$own:location", "lines": [{"item_id": "$X", "quantity": "1"}]},
        "stock_item",
    ),
]
# Own ids in these bodies are refused too, whatever the id: a deal's pipeline and stage
# change by /move only.
REFUSED_WITH_AN_OWN_ID = {
    ("PATCH", "deals/$own:deal", "pipeline_id"),
    ("PATCH", "deals/$own:deal", "stage_id"),
}
# Ids in bodies not tried yet, and why.
LINKS_UNCOVERED = {
    ("POST", "/salon/visits"): "a visit needs a master's hours, a service and a free slot",
    ("PATCH", "/salon/visits/{visit_id}"): "the seed makes no visit",
    ("POST", "/salon/visits/{visit_id}/checkout"): "the seed makes no visit",
}


def link_property(body, prefix: str = "") -> str | None:
    """Where "$X" is in a body template: ``owner_id``, ``lines[].item_id``, ``[].product_id``."""
    if isinstance(body, dict):
        for name, value in body.items():
            if value == "$X" or value == ["$X"]:
                return f"{prefix}{name}"
            found = link_property(value, f"{prefix}{name}")
            if found:
                return found
    if isinstance(body, list):
        for value in body:
            found = link_property(value, f"{prefix}[].")
            if found:
                return found
    return None


def link_route(method: str, path: str) -> tuple[str, str]:
    """A LINKS path ("deals/$own:deal/lines") as the document names it."""

    def param(match) -> str:
        return "{" + next(n for n, k in KIND_OF_PARAM.items() if k == match.group(1)) + "}"

    return method, "/" + re.sub(r"\$own:(\w+)", param, path)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # without /api/v1
    params: tuple[str, ...]

    @property
    def body(self):
        if (self.method, self.path) in BODIES:
            return BODIES[(self.method, self.path)]
        return {} if self.method == "PATCH" else None

    @property
    def salon(self) -> bool:
        return self.path.startswith("/salon/")

    def __str__(self) -> str:
        return f"{self.method} {API}{self.path}"


def routes_with_ids(document: dict) -> list[Route]:
    """Every operation with an ``{..._id}`` parameter in its path."""
    found = []
    for path, item in document["paths"].items():
        params = tuple(re.findall(r"{(\w+)}", path))
        if not any(name.endswith("_id") for name in params):
            continue
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                found.append(Route(method.upper(), path.removeprefix(API), params))
    return sorted(found, key=str)


def list_routes(document: dict) -> list[str]:
    """Every GET without path parameters: the lists, searches and settings a member reads."""
    return sorted(
        path.removeprefix(API)
        for path, item in document["paths"].items()
        if "get" in item and "{" not in path and path != f"{API}/openapi.json"
    )


def foreign_markers(text: str, workspace: int) -> set[str]:
    """Markers of other workspaces in an answer to a member of ``workspace``."""
    return {m.group(0) for m in MARKER.finditer(text) if int(m.group(1)) != workspace}


def _shape(answer, ids: tuple[str, ...]) -> tuple:
    text = answer.text
    for value in ids:
        text = text.replace(value, "<id>")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = text
    if isinstance(body, dict):
        body.pop("instance", None)
    return answer.status_code, answer.headers.get("content-type"), body


def assert_answered_as_unknown(what: str, foreign, unknown, foreign_id: str, unknown_id: str):
    """Another workspace's id: never a 2xx or 5xx, and the same answer as an unknown id."""
    assert foreign.status_code < 500, f"{what}: {foreign.status_code} {foreign.text}"
    assert unknown.status_code < 500, f"{what} (unknown id): {unknown.status_code} {unknown.text}"
    assert foreign.status_code >= 400, (
        f"{what} accepted another workspace's id {foreign_id}: {foreign.status_code} {foreign.text}"
    )
    shapes = (_shape(foreign, (foreign_id,)), _shape(unknown, (unknown_id,)))
    assert shapes[0] == shapes[1], (
        f"{what}: another workspace's id is answered unlike an unknown one:\n"
        f"  foreign: {shapes[0]}\n  unknown: {shapes[1]}"
    )


def _properties(document: dict, node: dict, prefix: str = "") -> list[str]:
    """Property names (``lines[].product_id`` for objects in arrays) of a request schema."""
    schemas = document.get("components", {}).get("schemas", {})
    if "$ref" in node:
        node = schemas[node["$ref"].rsplit("/", 1)[1]]
    found = []
    for option in node.get("anyOf", []) + node.get("oneOf", []):
        found += _properties(document, option, prefix)
    if node.get("type") == "array" and "items" in node:
        found += _properties(document, node["items"], f"{prefix}[]." if prefix else "[].")
    for name, value in node.get("properties", {}).items():
        found.append(f"{prefix}{name}")
        found += _properties(document, value, f"{prefix}{name}")
    return found


def ids_in_bodies(document: dict) -> set[tuple[str, str, str]]:
    """(method, path, property) of every id a request body takes."""
    found = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            for content in operation["requestBody"].get("content", {}).values():
                for name in _properties(document, content.get("schema", {})):
                    leaf = name.rsplit(".", 1)[-1]
                    if re.search(r"_ids?$", leaf) and leaf != "tax_id":
                        found.add((method.upper(), path.removeprefix(API), name.strip(".")))
    return found
