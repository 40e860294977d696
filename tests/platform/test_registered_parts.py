"""Every route, page, job, event handler and table the components and packs register is
pinned in registered.txt: a module a component forgets to name (or a folder left out of the
entry points) loses its routes, jobs or tables, and this test says which, by name.

After adding one on purpose: ATRIUM_PIN=write pytest tests/platform/test_registered_parts.py
"""

import os
from importlib.metadata import entry_points
from pathlib import Path

PINNED = Path(__file__).with_name("registered.txt")


def _registered(app) -> list[str]:
    from atrium.platform.events.handlers import _handlers
    from atrium.platform.jobs.actors import declared_jobs
    from atrium.platform.jobs.worker import load_actor_modules
    from atrium.tenants.schema import shared_metadata, tenant_metadata

    load_actor_modules()
    lines = []
    for route in app.routes:
        for handler in route.route_handlers:
            function = handler.fn
            methods = (
                ",".join(sorted(handler.http_methods)) if hasattr(handler, "http_methods") else ""
            )
            where = f"{function.__module__}.{function.__qualname__}"
            lines.append(f"route {route.path} {methods} -> {where}")
    # The product's own, not what tests of the same process declare for themselves.
    lines += [
        f"job {name} -> {job.fn.__module__}.{job.fn.__qualname__}"
        for name, job in declared_jobs().items()
        if job.fn.__module__.startswith("atrium.")
    ]
    lines += [
        f"event {event} -> {handler.__module__}.{handler.__qualname__}"
        for event, handlers in _handlers.items()
        for handler in handlers
        if handler.__module__.startswith("atrium.")
    ]
    lines += [f"shared table {name}" for name in shared_metadata().tables]
    lines += [f"tenant table {name}" for name in tenant_metadata().tables]
    return sorted(set(lines))


def test_every_registered_route_job_handler_and_table_is_pinned(app):
    found = _registered(app)
    if os.environ.get("ATRIUM_PIN") == "write":
        PINNED.write_text("\n".join(found) + "\n")
    pinned = PINNED.read_text().splitlines()
    lost = sorted(set(pinned) - set(found))
    new = sorted(set(found) - set(pinned))
    assert not lost, "no longer registered (a module left out of its component?):\n" + "\n".join(
        lost
    )
    assert not new, "registered but not pinned (ATRIUM_PIN=write to pin):\n" + "\n".join(new)


def test_every_component_is_named_in_the_entry_points():
    """A folder with a component.py that is not in pyproject's entry points would be silent."""
    root = Path(__file__).resolve().parents[2]
    on_disk = {
        ".".join(("atrium", *path.relative_to(root).with_suffix("").parts))
        for path in root.glob("*/**/component.py")
        if not {".venv", "node_modules", "tests"} & set(path.parts)
    }
    named = {entry.value.split(":")[0] for entry in entry_points(group="atrium.components")}
    assert on_disk - named == set(), "component.py files missing from the entry points"
