"""Layering rules that cover every module, present and future (pyproject's import-linter
contracts name the layers; these name the libraries and the query building)."""

from functools import cache

import grimp

COMPONENTS = (
    "atrium.platform",
    "atrium.tenants",
    "atrium.verticals",
    "atrium.billing",
    "atrium.integrations",
    "atrium.web",
)
# What a thin module may use of SQLAlchemy: the session's type in its signatures.
THIN_MAY_IMPORT = {"sqlalchemy.ext.asyncio"}


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*COMPONENTS, include_external_packages=True)


def _importers_of(package: str) -> set[str]:
    if package not in _graph().modules:
        return set()  # nothing imports it yet
    return {
        module
        for module in _graph().find_modules_that_directly_import(package)
        if module.startswith("atrium.")
    }


def _outside(modules: set[str], *allowed: str) -> list[str]:
    return sorted(m for m in modules if not any(m == a or m.startswith(a + ".") for a in allowed))


def test_only_the_jobs_kernel_imports_dramatiq():
    assert _outside(_importers_of("dramatiq"), "atrium.platform.jobs") == []


def test_only_sign_in_and_integrations_import_authlib():
    allowed = ("atrium.platform.auth", "atrium.integrations")
    assert _outside(_importers_of("authlib"), *allowed) == []


def _thin(module: str) -> bool:
    """API and page modules: they read a request and call a service, never build queries."""
    leaf = module.rsplit(".", 1)[1]
    return leaf in ("api", "pages") or leaf.endswith(("_api", "_pages"))


def test_api_and_page_modules_build_no_queries():
    graph = _graph()
    found = []
    for module in sorted(m for m in graph.modules if m.startswith("atrium.") and _thin(m)):
        for imported in graph.find_modules_directly_imported_by(module):
            details = graph.get_import_details(importer=module, imported=imported)
            names = {line["line_contents"] for line in details}
            if imported == "sqlalchemy" or imported == "psycopg":
                found += [f"{module}: {line}" for line in names if not _only_session(line)]
    assert found == [], "move the query into the domain's repository or service"


def _only_session(line: str) -> bool:
    return any(f"from {allowed} import" in line for allowed in THIN_MAY_IMPORT)
