"""What a workspace's plan allows, and the checks that stop a request past it.

Billing decides the plan and writes its allowances on the workspace's registry row
(``Tenant.entitlements``) together with the plan that lifts each limit; the platform only reads
them, so every limit is enforced where the thing is created without the platform knowing plans.
A workspace without that row (never billed) is not limited.
"""

from dataclasses import dataclass, field
from typing import Any

from atrium.platform.errors import LimitReached
from atrium.platform.language import Term, plan_name
from atrium.platform.packs import registered_packs

# The keys of limits, as billing names them in ``lifted_by``.
SEATS, CONTACTS, SMS, API_CALLS, INTEGRATIONS = (
    "seats",
    "contacts",
    "sms_per_month",
    "api_per_minute",
    "integrations",
)


def pack_limit(pack: str) -> str:
    return f"pack:{pack}"


@dataclass(frozen=True)
class Entitlements:
    plan: str  # the plan's display name, e.g. "Start"
    seats: int | None  # None: no limit
    contacts: int | None
    packs: frozenset[str]
    sms_per_month: int
    api_per_minute: int
    integrations: int | None
    lifted_by: dict[str, str] = field(default_factory=dict)  # limit key -> next plan's name

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "seats": self.seats,
            "contacts": self.contacts,
            "packs": sorted(self.packs),
            "sms_per_month": self.sms_per_month,
            "api_per_minute": self.api_per_minute,
            "integrations": self.integrations,
            "lifted_by": dict(self.lifted_by),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Entitlements | None":
        if not data:
            return None
        return cls(
            plan=data["plan"],
            seats=data["seats"],
            contacts=data["contacts"],
            packs=frozenset(data["packs"]),
            sms_per_month=data["sms_per_month"],
            api_per_minute=data["api_per_minute"],
            integrations=data["integrations"],
            lifted_by=dict(data.get("lifted_by") or {}),
        )


# Each refusal reads whole in either form (pages translate the literal message).
_MESSAGES = {
    SEATS: (
        "Your plan (%(plan)s) allows %(limit)s users; the workspace has %(used)s.",
        "Your plan (%(plan)s) allows %(limit)s users; the workspace has %(used)s. "
        "The %(upgrade)s plan lifts this limit.",
    ),
    CONTACTS: (
        "Your plan (%(plan)s) allows %(limit)s customers; the workspace has %(used)s.",
        "Your plan (%(plan)s) allows %(limit)s customers; the workspace has %(used)s. "
        "The %(upgrade)s plan lifts this limit.",
    ),
    SMS: (
        "Your plan (%(plan)s) allows %(limit)s SMS segments a month; %(used)s are used.",
        "Your plan (%(plan)s) allows %(limit)s SMS segments a month; %(used)s are used. "
        "The %(upgrade)s plan lifts this limit.",
    ),
    INTEGRATIONS: (
        "Your plan (%(plan)s) allows %(limit)s integrations; %(used)s are in use.",
        "Your plan (%(plan)s) allows %(limit)s integrations; %(used)s are in use. "
        "The %(upgrade)s plan lifts this limit.",
    ),
    "pack": (
        "Your plan (%(plan)s) does not include the %(pack)s pack.",
        "Your plan (%(plan)s) does not include the %(pack)s pack. "
        "The %(upgrade)s plan includes it.",
    ),
}


def _refuse(entitlements: Entitlements, key: str, kind: str, **params) -> LimitReached:
    upgrade = entitlements.lifted_by.get(key)
    message = _MESSAGES[kind][1 if upgrade else 0]
    return LimitReached(
        message,
        field=key,
        plan=plan_name(entitlements.plan),
        upgrade=plan_name(upgrade) if upgrade else None,
        **params,
    )


def require_room(
    entitlements: Entitlements | None, key: str, *, used: int, adding: int = 1
) -> None:
    """Refuse (402) when ``adding`` more would pass the plan's limit ``key`` (seats, contacts)."""
    if entitlements is None:
        return
    limit = getattr(entitlements, key)
    if limit is None or used + adding <= limit:
        return
    raise _refuse(entitlements, key, key, limit=limit, used=used)


def room_left(entitlements: Entitlements | None, key: str, *, used: int) -> int | None:
    """How many more fit under limit ``key`` (None: no limit)."""
    limit = None if entitlements is None else getattr(entitlements, key)
    return None if limit is None else max(0, limit - used)


def require_pack(entitlements: Entitlements | None, pack: str) -> None:
    if entitlements is None or pack in entitlements.packs:
        return
    found = registered_packs().get(pack)
    name = Term(found.name("en"), names=found.names) if found else Term(pack)
    raise _refuse(entitlements, pack_limit(pack), "pack", pack=name)
