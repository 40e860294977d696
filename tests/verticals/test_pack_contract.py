"""The pack contract: a pack's folder brings its tables, migrations, API, pages, translations,
navigation and permissions, and the platform and the app take them from the Pack alone."""

from pathlib import Path

from atrium.platform.auth.models import Role
from atrium.platform.auth.permissions import permissions_of
from atrium.platform.packs import registered_packs
from atrium.tenants.migrations import tenant_heads, tenant_scripts
from atrium.tenants.schema import tenant_metadata
from atrium.web.pages.i18n import plain_text
from tests.platform.conftest import new_browser, sign_in  # noqa: F401

SALON = Path(__file__).resolve().parents[2] / "verticals" / "salon"


def test_the_salon_pack_is_registered_with_its_folder():
    pack = registered_packs()["salon"]
    assert pack.subfolder("templates") == SALON / "templates"
    assert pack.subfolder("migrations") == SALON / "migrations"
    assert pack.subfolder("nothing-here") is None


def test_the_packs_tables_join_the_workspace_and_its_revisions_are_a_branch_of_its_own():
    assert "tenant.salon_visits" in tenant_metadata().tables
    script = tenant_scripts().get_revision("t0025")
    assert Path(script.path).parent == SALON / "migrations"
    # The branch starts from nothing and names the core revision it needs.
    assert script.down_revision is None
    assert script.branch_labels == {"salon"}
    assert script.dependencies == "t0024"
    assert tenant_scripts().get_revision("salon@head").revision in tenant_heads()


def test_roles_get_the_packs_permissions():
    assert "salon.book" in permissions_of(Role.EMPLOYEE)
    assert "salon.manage" not in permissions_of(Role.EMPLOYEE)
    assert {"salon.book", "salon.manage", "salon.results"} <= permissions_of(Role.MANAGER)
    assert "salon.manage" in permissions_of(Role.OWNER)


def test_the_packs_catalog_joins_the_translations():
    assert plain_text("ru", "Journal") == "Журнал"
    assert plain_text("en", "Journal") == "Journal"


async def test_the_packs_api_is_in_the_openapi_document(client):
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    assert "/api/v1/salon/visits" in paths
    assert "/api/v1/salon/slots" in paths


async def _navigation(make_workspace, sign_in, vertical: str) -> str:  # noqa: F811
    workspace = await make_workspace(company=f"Nav {vertical}", vertical=vertical)
    browser = await sign_in(workspace["user"]["email"])
    page = await browser.get(f"/w/{workspace['tenant']['slug']}/")
    assert page.status_code == 200
    return page.text


async def test_a_salon_workspace_shows_the_packs_sections_and_another_trade_does_not(
    make_workspace,
    sign_in,  # noqa: F811
):
    salon = await _navigation(make_workspace, sign_in, "salon")
    assert "/salon/journal" in salon and "Journal" in salon
    general = await _navigation(make_workspace, sign_in, "general")
    assert "/salon/journal" not in general


async def test_a_plan_without_the_pack_hides_its_sections_and_refuses_its_api(
    client,
    make_workspace,
    sign_in,  # noqa: F811
):
    workspace = await make_workspace(company="Free Salon", vertical="salon")
    free = await client.put(
        "/api/v1/billing/subscription", json={"plan": "free"}, headers=workspace["headers"]
    )
    assert free.status_code == 200, free.text
    refused = await client.get(
        "/api/v1/salon/visits", params={"date_from": "2026-12-07"}, headers=workspace["headers"]
    )
    assert refused.status_code == 402
    assert refused.json()["upgrade"]
    browser = await sign_in(workspace["user"]["email"])
    page = await browser.get(f"/w/{workspace['tenant']['slug']}/")
    assert "/salon/journal" not in page.text
