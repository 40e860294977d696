"""The plan catalog: what each plan costs and allows. The one place plans are defined.

Paid plans are priced per seat (a workspace member) a month or a year, in a few currencies; a
workspace pays in its own currency when the catalog has it, else in US dollars. Which trade packs
a plan includes is each pack's to say (``Pack.plan``: the smallest plan that includes it).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from babel.numbers import get_currency_precision

from atrium.platform.packs import registered_packs
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


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    rank: int  # order from the smallest plan up
    seat_prices: dict[tuple[str, str], Decimal]  # (currency, interval) -> price of one seat
    seats: int | None
    contacts: int | None
    sms_per_month: int
    api_per_minute: int
    integrations: int | None
    pays_for_branches: bool = False  # a franchise network's HQ may pay for its branches

    @property
    def is_free(self) -> bool:
        return not self.seat_prices

    @property
    def packs(self) -> frozenset[str]:
        """The installed packs this plan includes: those that name it or a smaller plan."""
        return frozenset(
            key for key, pack in registered_packs().items() if PLANS[pack.plan].rank <= self.rank
        )

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
        Plan("free", "Free", 0, {}, 2, 500, 0, 60, 0),
        Plan(
            "start",
            "Start",
            1,
            _prices({"RUB": "990", "USD": "12", "EUR": "11"}),
            5,
            5_000,
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
            50_000,
            6_000,
            None,
            pays_for_branches=True,
        ),
    )
}
FREE = PLANS["free"]
TRIAL_PLAN = PLANS["business"]


def trial_plan_for(vertical: str | None) -> Plan:
    """A new workspace tries Business, or the smallest plan with its trade's pack if that is
    bigger (a franchise network tries Network)."""
    pack = registered_packs().get(vertical or "")
    needed = PLANS[pack.plan] if pack else FREE
    return needed if needed.rank > TRIAL_PLAN.rank else TRIAL_PLAN


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
    for pack in frozenset(registered_packs()) - plan.packs:
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
