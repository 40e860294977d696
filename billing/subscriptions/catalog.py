"""The plan catalog: what each plan costs and allows. The one place plans are defined.

Paid plans are priced per seat (a workspace member) a month or a year, in a few currencies; a
workspace pays in its own currency when the catalog has it, else in US dollars.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from babel.numbers import get_currency_precision

from atrium.platform.tenancy.entitlements import (
    API_CALLS,
    CONTACTS,
    INTEGRATIONS,
    SEATS,
    SMS,
    Entitlements,
    pack_limit,
)

TRIAL = timedelta(days=14)
INTERVALS = ("month", "year")
CURRENCIES = ("RUB", "USD", "EUR")
FALLBACK_CURRENCY = "USD"

BUSINESS_PACKS = frozenset({"salon", "fieldservice", "retail", "staffing"})
ALL_PACKS = BUSINESS_PACKS | {"franchise"}


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    rank: int  # order from the smallest plan up
    seat_prices: dict[tuple[str, str], Decimal]  # (currency, interval) -> price of one seat
    seats: int | None
    contacts: int | None
    packs: frozenset[str]
    sms_per_month: int
    api_per_minute: int
    integrations: int | None

    @property
    def is_free(self) -> bool:
        return not self.seat_prices

    def seat_price(self, currency: str, interval: str) -> Decimal:
        return self.seat_prices.get((currency, interval), Decimal(0))


def _prices(month: dict[str, str]) -> dict[tuple[str, str], Decimal]:
    """Monthly seat prices per currency; a year costs ten months."""
    prices = {}
    for currency, amount in month.items():
        prices[(currency, "month")] = Decimal(amount)
        prices[(currency, "year")] = Decimal(amount) * 10
    return prices


PLANS: dict[str, Plan] = {
    plan.code: plan
    for plan in (
        Plan("free", "Free", 0, {}, 2, 500, frozenset(), 0, 60, 0),
        Plan(
            "start",
            "Start",
            1,
            _prices({"RUB": "990", "USD": "12", "EUR": "11"}),
            5,
            5_000,
            BUSINESS_PACKS,
            500,
            300,
            2,
        ),
        Plan(
            "business",
            "Business",
            2,
            _prices({"RUB": "1990", "USD": "25", "EUR": "23"}),
            50,
            250_000,
            BUSINESS_PACKS,
            5_000,
            1_200,
            10,
        ),
        Plan(
            "network",
            "Network",
            3,
            _prices({"RUB": "2990", "USD": "39", "EUR": "35"}),
            None,
            None,
            ALL_PACKS,
            50_000,
            6_000,
            None,
        ),
    )
}
FREE = PLANS["free"]
TRIAL_PLAN = PLANS["business"]


def trial_plan_for(vertical: str | None) -> Plan:
    """A new workspace tries Business; a franchise network needs Network's franchise pack."""
    return PLANS["network"] if vertical == "franchise" else TRIAL_PLAN


def plan_named(code: str) -> Plan | None:
    return PLANS.get(code)


def billing_currency(workspace_currency: str) -> str:
    return workspace_currency if workspace_currency in CURRENCIES else FALLBACK_CURRENCY


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount in the currency's smallest unit, as Stripe takes it (kopecks, cents)."""
    return int(amount.scaleb(get_currency_precision(currency)))


def _above(plan: Plan, allows) -> str | None:
    """The smallest bigger plan for which ``allows(plan)`` holds: the one that lifts a limit."""
    for bigger in sorted(PLANS.values(), key=lambda p: p.rank):
        if bigger.rank > plan.rank and allows(bigger):
            return bigger.name
    return None


def _more(limit_of):
    def lifts(current: Plan):
        return lambda bigger: (
            limit_of(bigger) is None
            or (limit_of(current) is not None and limit_of(bigger) > limit_of(current))
        )

    return lifts


def entitlements_of(plan: Plan) -> Entitlements:
    limits = {
        SEATS: lambda p: p.seats,
        CONTACTS: lambda p: p.contacts,
        SMS: lambda p: p.sms_per_month,
        API_CALLS: lambda p: p.api_per_minute,
        INTEGRATIONS: lambda p: p.integrations,
    }
    lifted_by = {key: _above(plan, _more(limit_of)(plan)) for key, limit_of in limits.items()}
    for pack in ALL_PACKS - plan.packs:
        lifted_by[pack_limit(pack)] = _above(plan, lambda bigger, pack=pack: pack in bigger.packs)
    return Entitlements(
        plan=plan.name,
        seats=plan.seats,
        contacts=plan.contacts,
        packs=plan.packs,
        sms_per_month=plan.sms_per_month,
        api_per_minute=plan.api_per_minute,
        integrations=plan.integrations,
        lifted_by={key: name for key, name in lifted_by.items() if name},
    )
