"""`atrium billing report`: recurring revenue and standings, checked against a hand count."""

from decimal import Decimal

from atrium.billing.subscriptions.report import billing_report
from tests.billing.conftest import set_row
from tests.web.test_cli import atrium


async def test_the_report_counts_revenue_and_standing_as_by_hand(make_workspace, db):
    before = await billing_report(db)
    yearly = await make_workspace(company="Report Yearly")
    monthly = await make_workspace(company="Report Monthly")
    late = await make_workspace(company="Report Late")
    # 3 seats of Business a year in roubles: 19,900 x 3 / 12 = 4,975.00 a month.
    paying = {"status": "active", "currency": "RUB"}
    await set_row(db, yearly["tenant"]["slug"], **paying, plan="business", interval="year",
                  seats=3, stripe_subscription_id="sub_rep_y")  # fmt: skip
    # 2 seats of Start a month in roubles: 990 x 2 = 1,980.00.
    await set_row(db, monthly["tenant"]["slug"], **paying, plan="start", interval="month",
                  seats=2, stripe_subscription_id="sub_rep_m")  # fmt: skip
    await set_row(db, late["tenant"]["slug"], status="past_due", plan="start", interval="month",
                  seats=1, currency="USD", stripe_subscription_id="sub_rep_l")  # fmt: skip
    after = await billing_report(db)
    rub = after.mrr.get("RUB", Decimal(0)) - before.mrr.get("RUB", Decimal(0))
    usd = after.mrr.get("USD", Decimal(0)) - before.mrr.get("USD", Decimal(0))
    assert (rub, usd) == (Decimal("6955.00"), Decimal("12.00"))  # past due still bills
    assert after.standing["active (paying)"] - before.standing["active (paying)"] == 2
    assert after.standing["past due"] - before.standing["past due"] == 1
    assert after.standing["trialing"] - before.standing["trialing"] == 0  # the three left it


def test_the_command_prints_the_report(migrated):
    result = atrium("billing", "report")
    assert result.returncode == 0, result.stderr
    for words in ("MRR", "trialing", "past due", "read-only"):
        assert words in result.stdout
