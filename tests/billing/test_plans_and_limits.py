"""Plans, the trial, and the limits each plan sets, enforced where things are created."""

from datetime import timedelta

from sqlalchemy import insert, select

from atrium.billing.subscriptions.catalog import PLANS, entitlements_of, trial_plan_for
from atrium.billing.subscriptions.tasks import scan_billing
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.db.types import utcnow
from atrium.platform.packs import registered_packs
from atrium.platform.tenancy.models import Tenant
from tests.billing.conftest import set_row, subscription_row

PROBLEM = "application/problem+json"


async def add_contacts_directly(db, slug: str, count: int) -> None:
    """Customers already in the workspace (say, from before a plan shrank)."""
    async with db.shared_transaction() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
    async with db.tenant_transaction(tenant.schema) as session:
        await session.execute(
            insert(Contact),
            [{"first_name": f"Client {n}", "display_name": f"Client {n}"} for n in range(count)],
        )


async def test_a_new_workspace_tries_business_for_14_days(client, make_workspace, db):
    owner = await make_workspace(company="Trial Salon")
    answer = await client.get("/api/v1/billing/subscription", headers=owner["headers"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["plan"], body["status"], body["read_only"]) == ("business", "trialing", False)
    row = await subscription_row(db, owner["tenant"]["slug"])
    assert timedelta(days=13, hours=23) < row.trial_ends_at - utcnow() <= timedelta(days=14)
    usage = (await client.get("/api/v1/billing/usage", headers=owner["headers"])).json()
    assert usage["plan"] == "Business"
    assert usage["seats"] == {"used": 1, "limit": 50}
    assert "salon" in usage["packs"]


async def test_the_catalog_lists_every_plan_with_prices_and_limits(client, make_workspace):
    owner = await make_workspace(company="Catalog Salon")
    plans = (await client.get("/api/v1/billing/plans", headers=owner["headers"])).json()
    assert [plan["code"] for plan in plans] == ["free", "start", "business", "network"]
    start = plans[1]
    assert {"currency": "RUB", "interval": "month", "seat_price": 990} in [
        {**price, "seat_price": float(price["seat_price"])} for price in start["prices"]
    ]
    assert plans[0]["prices"] == [] and plans[3]["seats"] is None


def test_each_pack_names_the_smallest_plan_that_includes_it():
    packs = registered_packs()
    assert all(pack.plan in PLANS for pack in packs.values())
    assert PLANS["free"].packs == frozenset()
    assert (
        PLANS["start"].packs
        == PLANS["business"].packs
        == {
            "salon",
            "fieldservice",
            "retail",
            "staffing",
        }
    )
    assert PLANS["network"].packs == set(packs)
    # A workspace of a trade tries at least the plan its pack needs.
    assert trial_plan_for("salon") == trial_plan_for("general") == PLANS["business"]
    assert trial_plan_for("franchise") == PLANS["network"]
    assert entitlements_of(PLANS["business"]).lifted_by["pack:franchise"] == "Network"


async def test_an_ended_trial_falls_to_free_and_creation_stops_past_its_limits(
    client, make_workspace, db, settings, mails_to
):
    owner = await make_workspace(company="Ended Trial")
    slug = owner["tenant"]["slug"]
    await add_contacts_directly(db, slug, 520)  # more than Free's 500
    await set_row(db, slug, trial_ends_at=utcnow() - timedelta(minutes=1))
    await scan_billing(db, settings)
    body = (await client.get("/api/v1/billing/subscription", headers=owner["headers"])).json()
    assert (body["plan"], body["status"]) == ("free", "active")
    assert "trial" in (await mails_to(owner["user"]["email"]))[-1]

    refused = await client.post(
        "/api/v1/contacts", json={"first_name": "One more"}, headers=owner["headers"]
    )
    assert refused.status_code == 402, refused.text
    assert refused.headers["content-type"].startswith(PROBLEM)
    problem = refused.json()
    assert problem["upgrade"] == "Start"
    assert "500 customers" in problem["detail"] and "Start plan lifts" in problem["detail"]
    # Nothing was lost: every customer is still there, and reading works.
    listed = await client.get("/api/v1/contacts?limit=1", headers=owner["headers"])
    assert listed.status_code == 200
    usage = (await client.get("/api/v1/billing/usage", headers=owner["headers"])).json()
    assert usage["contacts"] == {"used": 520, "limit": 500}


async def test_the_last_contact_under_the_limit_is_taken_then_refused(client, make_workspace, db):
    owner = await make_workspace(company="Edge Salon")
    slug = owner["tenant"]["slug"]
    chosen = await client.put(
        "/api/v1/billing/subscription", json={"plan": "free"}, headers=owner["headers"]
    )
    assert chosen.status_code == 200, chosen.text
    await add_contacts_directly(db, slug, 499)
    first = await client.post("/api/v1/contacts", json={"first_name": "Five Hundred"},
                              headers=owner["headers"])  # fmt: skip
    assert first.status_code == 201, first.text
    second = await client.post("/api/v1/contacts", json={"first_name": "Too Many"},
                               headers=owner["headers"])  # fmt: skip
    assert second.status_code == 402


async def test_inviting_past_the_seats_is_refused_and_names_the_plan(client, make_workspace):
    owner = await make_workspace(company="Seats Salon")
    await client.put("/api/v1/billing/subscription", json={"plan": "free"},
                     headers=owner["headers"])  # fmt: skip
    first = await client.post("/api/v1/invitations", json={"email": "a@seats.example",
                              "role": "employee"}, headers=owner["headers"])  # fmt: skip
    assert first.status_code == 201, first.text  # the owner and one invitation: 2 seats
    second = await client.post("/api/v1/invitations", json={"email": "b@seats.example",
                               "role": "employee"}, headers=owner["headers"])  # fmt: skip
    assert second.status_code == 402, second.text
    assert second.json()["upgrade"] == "Start"
    assert "2 users" in second.json()["detail"]


async def test_api_calls_past_the_plans_rate_get_429_naming_the_plan(client, make_workspace):
    owner = await make_workspace(company="Busy Salon")
    await client.put("/api/v1/billing/subscription", json={"plan": "free"},
                     headers=owner["headers"])  # fmt: skip
    statuses = [
        (await client.get("/api/v1/me", headers=owner["headers"])).status_code for _ in range(60)
    ]
    refused = await client.get("/api/v1/me", headers=owner["headers"])
    assert refused.status_code == 429, statuses
    assert int(refused.headers["retry-after"]) >= 1
    assert "60 API calls a minute" in refused.json()["detail"]
    assert refused.json()["upgrade"] == "Start"


async def test_a_read_only_workspace_reads_but_changes_nothing_until_paid(
    client, make_workspace, db, settings, localstripe
):
    owner = await make_workspace(company="Overdue Salon")
    slug = owner["tenant"]["slug"]
    created = await client.post("/api/v1/contacts", json={"first_name": "Before"},
                                headers=owner["headers"])  # fmt: skip
    assert created.status_code == 201
    await set_row(db, slug, status="past_due", grace_ends_at=utcnow() - timedelta(minutes=1),
                  past_due_since=utcnow() - timedelta(days=15))  # fmt: skip
    await scan_billing(db, settings)
    body = (await client.get("/api/v1/billing/subscription", headers=owner["headers"])).json()
    assert body["read_only"] is True
    refused = await client.post("/api/v1/contacts", json={"first_name": "After"},
                                headers=owner["headers"])  # fmt: skip
    assert refused.status_code == 402
    assert "read-only" in refused.json()["detail"]
    contact = await client.get(f"/api/v1/contacts/{created.json()['id']}", headers=owner["headers"])
    assert contact.status_code == 200  # reading still works, nothing deleted
    # The way out stays open: the billing endpoints answer (here: no card yet, so 402 asks
    # for one instead of the read-only refusal).
    pay = await client.put("/api/v1/billing/subscription", json={"plan": "start"},
                           headers=owner["headers"])  # fmt: skip
    assert "card" in pay.json()["detail"]


async def test_billing_of_another_workspace_is_unreachable(client, make_workspace):
    first = await make_workspace(company="First Billing")
    second = await make_workspace(company="Second Billing")
    await client.put("/api/v1/billing/subscription", json={"plan": "free"},
                     headers=first["headers"])  # fmt: skip
    theirs = (await client.get("/api/v1/billing/subscription", headers=second["headers"])).json()
    assert theirs["plan"] == "business"  # the first one's change did not touch the second
    branch = await client.put(
        f"/api/v1/billing/branches/{first['tenant']['slug']}",
        json={"paid_by_network": True},
        headers=second["headers"],
    )
    assert branch.status_code == 404


async def test_bad_plan_changes_are_clear_422s(client, make_workspace):
    owner = await make_workspace(company="Typo Salon")
    for body, field in (({"plan": "gold"}, "plan"), ({"plan": "start", "interval": "week"},
                        "interval")):  # fmt: skip
        answer = await client.put("/api/v1/billing/subscription", json=body,
                                  headers=owner["headers"])  # fmt: skip
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == field


async def test_turning_on_a_pack_the_plan_lacks_is_refused(client, make_workspace):
    owner = await make_workspace(company="Plain Shop", vertical="general")
    headers = owner["headers"]
    on_trial = await client.patch("/api/v1/workspace", json={"vertical": "retail"},
                                  headers=headers)  # fmt: skip
    assert on_trial.status_code == 200, on_trial.text
    assert on_trial.json()["vertical"] == "retail"
    pipelines = (await client.get("/api/v1/pipelines", headers=headers)).json()
    assert len(pipelines["items"] if isinstance(pipelines, dict) else pipelines) >= 2

    await client.put("/api/v1/billing/subscription", json={"plan": "free"}, headers=headers)
    refused = await client.patch("/api/v1/workspace", json={"vertical": "salon"}, headers=headers)
    assert refused.status_code == 402, refused.text
    assert refused.json()["upgrade"] == "Start"
    assert (await client.get("/api/v1/workspace", headers=headers)).json()["vertical"] == "retail"
    unknown = await client.patch("/api/v1/workspace", json={"vertical": "bakery"},
                                 headers=headers)  # fmt: skip
    assert unknown.status_code == 422


async def make_branch(db, head_office: dict, branch: dict) -> None:
    """The franchise tree (its own issue builds the pages): the branch under the HQ."""
    async with db.shared_transaction() as session:
        hq = await session.scalar(
            select(Tenant).where(Tenant.slug == head_office["tenant"]["slug"])
        )
        row = await session.scalar(select(Tenant).where(Tenant.slug == branch["tenant"]["slug"]))
        row.parent_id = hq.id


async def test_a_network_head_office_pays_for_a_branch_which_follows_its_standing(
    client, make_workspace, db, settings, localstripe
):
    hq = await make_workspace(company="Network HQ", vertical="franchise")
    branch = await make_workspace(company="Network Branch Kazan", vertical="salon")
    await make_branch(db, hq, branch)
    hq_plan = (await client.get("/api/v1/billing/subscription", headers=hq["headers"])).json()
    assert hq_plan["plan"] == "network"  # a franchise network tries Network

    paid = await client.put(f"/api/v1/billing/branches/{branch['tenant']['slug']}",
                            json={"paid_by_network": True}, headers=hq["headers"])  # fmt: skip
    assert paid.status_code == 200, paid.text
    mine = (await client.get("/api/v1/billing/subscription", headers=branch["headers"])).json()
    assert (mine["plan"], mine["paid_by_network"]) == ("network", True)
    changed = await client.put("/api/v1/billing/subscription", json={"plan": "start"},
                               headers=branch["headers"])  # fmt: skip
    assert changed.status_code == 409  # the HQ decides

    # The HQ's payment fails past its grace: the branch is read-only with it.
    await set_row(db, hq["tenant"]["slug"], status="past_due",
                  grace_ends_at=utcnow() - timedelta(minutes=1))  # fmt: skip
    await scan_billing(db, settings)
    refused = await client.post("/api/v1/contacts", json={"first_name": "Branch client"},
                                headers=branch["headers"])  # fmt: skip
    assert refused.status_code == 402

    # Back to paying for itself: its own standing again.
    await client.put(f"/api/v1/billing/branches/{branch['tenant']['slug']}",
                     json={"paid_by_network": False}, headers=hq["headers"])  # fmt: skip
    mine = (await client.get("/api/v1/billing/subscription", headers=branch["headers"])).json()
    assert (mine["plan"], mine["paid_by_network"], mine["read_only"]) == ("business", False, False)


async def test_only_a_network_plan_pays_for_branches(client, make_workspace, db):
    hq = await make_workspace(company="Small HQ", vertical="salon")  # Business trial
    branch = await make_workspace(company="Small Branch", vertical="salon")
    await make_branch(db, hq, branch)
    refused = await client.put(f"/api/v1/billing/branches/{branch['tenant']['slug']}",
                               json={"paid_by_network": True}, headers=hq["headers"])  # fmt: skip
    assert refused.status_code == 402
    assert refused.json()["upgrade"] == "Network"
