"""Three workspaces with four members each, reached by API key and by session, and the records
the cross-workspace tests aim at: each record's name carries a marker naming its workspace
(``xw<n>m<hex>``), so any answer that shows another workspace's data is found by a regex.

Everything runs through one synchronous litestar test client on an app of its own (its
pools live in the client's portal loop), so hypothesis' stateful machine can drive it.
"""

import re
import secrets
import uuid

import sqlalchemy as sa

from atrium.platform.config import get_settings
from tests.helpers import STRONG_PASSWORD
from tests.platform.support import random_email, token_in

API = "/api/v1"
ROLES = ("owner", "admin", "manager", "employee")
# Two salons (so a salon's ids meet a workspace where the pack is on) and a shop; the second
# salon speaks Russian, so refusals are compared in both languages.
TRADES = (("salon", "en"), ("retail", "en"), ("salon", "ru"))
MARKER = re.compile(r"xw(\d)m[0-9a-f]{8}")


def marker(workspace: int) -> str:
    return f"xw{workspace}m{secrets.token_hex(4)}"


class Member:
    """One member's credentials: their own API key, and their session cookie with its CSRF
    token. (Not a dataclass: hypothesis prints those field by field in its reports.)"""

    def __init__(self, workspace: int, role: str, user_id: str, session: str, csrf: str, slug: str):
        self.workspace, self.role, self.user_id, self.slug = workspace, role, user_id, slug
        self.session, self.csrf = session, csrf
        self.key = ""

    def __repr__(self) -> str:
        return f"{self.role} of workspace {self.workspace}"

    def headers(self, by_session: bool) -> dict[str, str]:
        if not by_session:
            return {"Authorization": f"Bearer {self.key}"}
        return {
            "Cookie": f"atrium_session={self.session}",
            "X-Workspace": self.slug,
            "X-CSRF-Token": self.csrf,
        }


class Workspace:
    def __init__(self, index: int, slug: str, vertical: str) -> None:
        self.index, self.slug, self.vertical = index, slug, vertical
        self.members: dict[str, Member] = {}
        # kind -> [(id, marker)] of what exists in this workspace
        self.records: dict[str, list[tuple[str, str]]] = {}

    def __repr__(self) -> str:
        return f"workspace {self.index} ({self.vertical})"

    def own(self, kind: str, second: bool = False) -> str:
        return self.records[kind][1 if second else 0][0]


class Api:
    """The test client, never keeping cookies between calls (each call names its member)."""

    def __init__(self, client) -> None:
        self.client = client

    def call(self, method: str, path: str, headers: dict, body=None):
        kwargs = {"headers": headers}
        if body is not None:
            kwargs["json"] = body
        answer = self.client.request(
            method, path if path.startswith("/") else f"{API}/{path}", **kwargs
        )
        self.client.cookies.clear()
        return answer


def _system_mails(address: str) -> list[str]:
    engine = sa.create_engine(get_settings().database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT text_body FROM atrium.system_mail WHERE to_address = :a ORDER BY id"),
            {"a": address},
        )
        bodies = [row[0] for row in rows]
    engine.dispose()
    return bodies


def _without_plan_limits(slug: str) -> None:
    """Thousands of calls a minute: a workspace billing never limited."""
    engine = sa.create_engine(get_settings().database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE atrium.tenants SET entitlements = NULL WHERE slug = :slug"),
            {"slug": slug},
        )
    engine.dispose()


def _ok(answer, status: int = 201) -> dict:
    assert answer.status_code == status, f"{answer.status_code}: {answer.text}"
    return answer.json() if answer.content else {}


def _sign_in(api: Api, email: str) -> tuple[str, str]:
    answer = api.client.post(
        f"{API}/auth/login", json={"email": email, "password": STRONG_PASSWORD}
    )
    body = _ok(answer, 200)
    session = answer.cookies["atrium_session"]
    api.client.cookies.clear()
    return session, body["csrf_token"]


def _member(api: Api, workspace: Workspace, role: str, email: str, user_id: str) -> Member:
    session, csrf = _sign_in(api, email)
    member = Member(workspace.index, role, user_id, session, csrf, workspace.slug)
    created = api.call("POST", "api-keys", member.headers(True), {"name": marker(workspace.index)})
    member.key = _ok(created)["key"]
    return member


def make_workspace(api: Api, index: int) -> Workspace:
    vertical, locale = TRADES[index]
    email = random_email("owner")
    signed_up = _ok(
        api.client.post(
            f"{API}/signup",
            json={
                "company": marker(index),
                "email": email,
                "password": STRONG_PASSWORD,
                "vertical": vertical,
                "locale": locale,
            },
        )
    )
    api.client.cookies.clear()
    workspace = Workspace(index, signed_up["tenant"]["slug"], vertical)
    _without_plan_limits(workspace.slug)
    owner_key = {"Authorization": f"Bearer {signed_up['api_key']}"}
    workspace.members["owner"] = _member(api, workspace, "owner", email, signed_up["user"]["id"])
    for role in ROLES[1:]:
        address = random_email(role)
        _ok(api.call("POST", "invitations", owner_key, {"email": address, "role": role}))
        accepted = api.client.post(
            f"{API}/invitations/accept",
            json={
                "token": token_in(_system_mails(address)[-1]),
                "password": STRONG_PASSWORD,
                "name": marker(index),  # names show in member lists
            },
        )
        user_id = _ok(accepted, 200)["user_id"]
        api.client.cookies.clear()
        workspace.members[role] = _member(api, workspace, role, address, user_id)
    seed(api, workspace)
    return workspace


# What a record of each kind is made from: (path, body); "$M" is the record's marker and
# "$own:<kind>" an id of that kind in the same workspace. Salon kinds only where it is on.
CREATE = {
    "contact": ("contacts", {"first_name": "$M"}),
    "company": ("companies", {"name": "$M"}),
    "deal": ("deals", {"title": "$M", "pipeline_id": "$own:pipeline"}),
    "activity": ("activities", {"kind": "task", "title": "$M"}),
    "appeal": ("appeals", {"channel": "phone", "kind": "order", "summary": "$M"}),
    "lead": ("leads", {"source": "form", "name": "$M"}),
    "note": ("contacts/$own:contact/notes", {"body": "$M"}),
    "product": ("products", {"name": "$M", "sku": "$M", "price": "10"}),
    "segment": ("segments", {"name": "$M", "conditions": []}),
    "team": ("teams", {"name": "$M"}),
    "appeal_subject": ("appeal-subjects", {"name": "$M"}),
    "campaign": (
        "campaigns",
        {
            "name": "$M",
            "channel": "email",
            "subject": "$M",
            "body": "Hi",
            "segment_id": "$own:segment",
        },
    ),
    "custom_field": (
        "custom-fields",
        {"object_type": "contact", "field_type": "text", "key": "$M", "label": "$M"},
    ),
    "api_key": ("api-keys", {"name": "$M"}),
    "invitation": ("invitations", {"email": "$M@example.com", "role": "employee"}),
}
SALON_CREATE = {
    "location": ("salon/locations", {"name": "$M"}),
    "service": ("salon/services", {"name": "$M", "duration_minutes": 30, "price": "900"}),
    "master": ("salon/masters", {"name": "$M", "location_id": "$own:location"}),
    "stock_item": ("salon/stock/items", {"name": "$M"}),
    "loyalty_card": (
        "salon/loyalty-cards",
        {"client_id": "$own:contact", "location_id": "$own:location"},
    ),
}


def fill(template, workspace: Workspace, mark: str, link: str | None = None):
    """The template with its placeholders replaced ("$X" by ``link``)."""
    if isinstance(template, dict):
        return {key: fill(value, workspace, mark, link) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, workspace, mark, link) for value in template]
    if not isinstance(template, str):
        return template
    if template == "$X":
        return link
    text = template.replace("$M", mark)
    return re.sub(r"\$own(2?):(\w+)", lambda m: workspace.own(m.group(2), bool(m.group(1))), text)


def creatable(workspace: Workspace) -> dict:
    return {**CREATE, **SALON_CREATE} if workspace.vertical == "salon" else CREATE


def create(api: Api, workspace: Workspace, kind: str, member: Member, by_session: bool, must=False):
    """Create a record of ``kind`` as ``member``; its (id, marker), or None when refused."""
    path, body = creatable(workspace)[kind]
    mark = marker(workspace.index)
    answer = api.call(
        "POST", fill(path, workspace, mark), member.headers(by_session), fill(body, workspace, mark)
    )
    assert answer.status_code < 500, f"POST {path}: {answer.status_code} {answer.text}"
    if answer.status_code != 201:
        assert not must, f"could not make a {kind}: {answer.text}"
        return None
    record = (answer.json()["id"], mark if "$M" in str(body) else "")
    workspace.records.setdefault(kind, []).append(record)
    return record


def seed(api: Api, workspace: Workspace) -> None:
    """One record of every kind (made by the owner), and the ids every workspace has."""
    owner = workspace.members["owner"]
    headers = owner.headers(False)
    pipeline = _ok(api.call("GET", "pipelines", headers), 200)["items"][0]
    workspace.records["pipeline"] = [(pipeline["id"], "")]
    workspace.records["stage"] = [(stage["id"], "") for stage in pipeline["stages"]]
    workspace.records["member"] = [(m.user_id, "") for m in workspace.members.values()]
    for kind in ["contact", *creatable(workspace)]:  # two contacts: "$own2:contact"
        create(api, workspace, kind, owner, False, must=True)


def unknown_id() -> str:
    return str(uuid.uuid4())
