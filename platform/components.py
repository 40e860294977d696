"""The component contract: how every part of the product plugs itself in.

A component is a core domain (contacts, deals, notifications, billing, ...) or a trade pack. Each
declares what it brings: routes, pages, public pages, tables, jobs, due work and a folder with
its templates and translations. The app, the worker, the scheduler and the schema read them
from here, so no module list is kept by hand anywhere: a core domain names its ``COMPONENT`` in
the ``atrium.components`` entry point group, a pack its ``PACK`` in ``atrium.packs``.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

# async (tenant session, workspace settings, now) -> how many events it raised
DueWorkScan = Callable[[Any, Any, datetime], Awaitable[int]]
# async (tenant session, trade, locale): what a workspace of the trade starts with
TradeSeed = Callable[[Any, str, str], Awaitable[None]]


def subfolder_of(folder: Path | None, name: str) -> Path | None:
    """A component's or pack's ``templates/``, ``locales/``, ... when it has one."""
    found = folder / name if folder else None
    return found if found and found.is_dir() else None


@dataclass(frozen=True)
class DueWork:
    """A scan the scheduler runs for every open workspace."""

    scan: DueWorkScan
    # Messages to customers wait out the workspace's quiet hours; other work does not.
    held_in_quiet_hours: bool = False


@dataclass(frozen=True)
class Component:
    key: str
    folder: Path | None = None  # its templates/ and locales/ are found there
    tables: Sequence[ModuleType] = ()  # the modules that declare its tables
    jobs: Sequence[ModuleType] = ()  # the modules that declare its actors and event handlers
    api_routes: Sequence = ()  # mounted under /api/v1
    page_routes: Sequence = ()  # /w/{slug}/... pages; a handler may ask for ``page``
    public_routes: Sequence = ()  # no sign-in: webhooks, links in messages, public forms
    due_work: Sequence[DueWork] = ()
    # At sign-up and when a workspace turns on another trade (its pipelines, appeal subjects);
    # run again it adds only what is missing.
    seed_trade: TradeSeed | None = None

    def subfolder(self, name: str) -> Path | None:
        return subfolder_of(self.folder, name)


class Plugged(Protocol):
    """What the app reads of a component or a pack."""

    key: str
    api_routes: Sequence
    page_routes: Sequence
    public_routes: Sequence

    def subfolder(self, name: str) -> Path | None: ...


@cache
def core_components() -> tuple[Component, ...]:
    """Every core domain, by key; loading one imports its tables, jobs and handlers."""
    found = [entry.load() for entry in entry_points(group="atrium.components")]
    return tuple(sorted(found, key=lambda component: component.key))


def plugged() -> list[Plugged]:
    """The core components, then the packs."""
    from atrium.platform.packs import registered_packs

    return [*core_components(), *registered_packs().values()]


def component_folders(name: str) -> list[Path]:
    """Every component's and pack's subfolder ``name`` (templates, locales) that exists."""
    return [found for part in plugged() if (found := part.subfolder(name))]


async def seed_trade_defaults(session: Any, trade: str, locale: str) -> None:
    """What a workspace of ``trade`` starts with, from every component that seeds some."""
    for component in core_components():
        if component.seed_trade is not None:
            await component.seed_trade(session, trade, locale)
