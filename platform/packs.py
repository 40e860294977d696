"""The pack contract: what a vertical pack declares so the platform and the app can use it.

Packs are found through the ``atrium.packs`` entry point group, so the platform never imports a
pack; each pack's module exposes a ``PACK`` object. Adding a pack is adding its folder and its
entry point line, nothing else: the app mounts its routes, pages, templates and translations, the
worker loads its jobs, the scheduler runs its due work, the tenant history takes its migrations
(a branch of its own), billing puts it in the plans from the one it names up, and sign-up fills
its demo data and starts the workspace with the trade's pipelines and appeal subjects, all from
the ``Pack`` below. ``tests/verticals/template_pack`` is a pack to start from.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from atrium.platform.components import DueWorkScan, subfolder_of


@dataclass(frozen=True)
class PackSection:
    """An entry the pack adds to a workspace's navigation."""

    key: str
    label: str  # English; translated by the pack's catalog
    path: str  # below /w/<slug>/
    permission: str | None = None  # shown only to members holding it
    # A core section (its key) this entry belongs to: shown as a tab of that section's pages,
    # not as a second entry in the navigation (the salon's clients are the core's contacts).
    under: str | None = None


@dataclass(frozen=True)
class PackNotice:
    """A kind of notification the pack sends members; each member may mute it."""

    label: str  # English; translated by the pack's catalog
    permission: str | None = None  # only members holding it are sent it (and offered it)


@dataclass(frozen=True)
class PackPermission:
    description: str
    roles: frozenset[str]  # the roles (owner, admin, manager, employee) that hold it by default


@dataclass(frozen=True)
class SetupStep:
    """A step of the home page's getting-started checklist, done once the workspace's data
    shows it (demo records count: the checklist tells what the workspace has)."""

    label: str  # English; translated by the pack's catalog
    path: str  # below /w/<slug>/: where the step is done
    done: Callable[[Any], Awaitable[bool]]  # async (tenant session) -> whether it is done


# async (tenant session, principal, locale) -> how many demo records it made
DemoFill = Callable[[Any, Any, str], Awaitable[int]]
# async (tenant session) -> how many demo records it deleted; runs before the core's clearing
DemoClear = Callable[[Any], Awaitable[int]]
# What a new workspace of the trade starts with, named in English and Russian:
# a pipeline is ((name en, name ru), [(stage en, stage ru, kind, probability), ...]).
DefaultPipeline = tuple[tuple[str, str], Sequence[tuple[str, str, str, int]]]
DefaultName = tuple[str, str]  # (en, ru)
# What the trade sells in its demo data: (name en, name ru, "service" or "product", price in
# the workspace's currency).
DemoOffer = tuple[str, str, str, int]
# How every default pipeline ends: a won and a lost stage.
CLOSING_STAGES = (("Won", "Успешно", "won", 100), ("Lost", "Не реализовано", "lost", 0))


@dataclass(frozen=True)
class Pack:
    key: str
    names: dict[str, str]  # locale -> display name
    # The pack's folder: its templates/, static/ (served at /static/<key>/), locales/<lang>/
    # LC_MESSAGES/*.po and migrations/ (its branch of the tenant history: the first revision
    # labelled with the key, depending on the core revision it needs) are found there.
    folder: Path | None = None
    # The smallest plan (its code in the billing catalog) that includes the pack; every bigger
    # plan does too, and a new workspace of the trade tries at least that plan.
    plan: str = "start"
    permissions: dict[str, PackPermission] = field(default_factory=dict)
    sections: Sequence[PackSection] = ()
    api_routes: Sequence = ()  # mounted under /api/v1
    page_routes: Sequence = ()  # /w/{slug}/... pages; a handler may ask for ``page``
    public_routes: Sequence = ()  # no sign-in: booking pages and their data
    scan_due_work: DueWorkScan | None = None  # run for every open workspace by the scheduler
    fill_demo: DemoFill | None = None
    demo_offer: Sequence[DemoOffer] = ()  # the core's demo products; none: the general CRM's
    clear_demo: DemoClear | None = None
    notification_kinds: dict[str, PackNotice] = field(default_factory=dict)  # by kind
    pipelines: Sequence[DefaultPipeline] = ()  # none: the general CRM's
    appeal_subjects: Sequence[DefaultName] = ()  # none: the general CRM's
    # The trade's first steps on the home page; none: the general CRM's. The core adds
    # inviting a colleague and connecting SMS or Telegram to every trade's list.
    setup_steps: Sequence[SetupStep] = ()
    # What a person calls the pack's own API fields, in English (translated by its catalog), so
    # a refusal names them by label: {"master_id": "Master"}.
    field_labels: dict[str, str] = field(default_factory=dict)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names["en"]

    def subfolder(self, name: str) -> Path | None:
        return subfolder_of(self.folder, name)


GENERAL = "general"  # the core CRM with no vertical pack


@cache
def registered_packs() -> dict[str, Pack]:
    """Every installed pack, by key; loading one imports its modules (tables, jobs, handlers)."""
    packs = {}
    for entry in entry_points(group="atrium.packs"):
        pack = entry.load()
        packs[pack.key] = pack
    return dict(sorted(packs.items()))


def vertical_choices() -> list[str]:
    """What a signup may choose: a pack, or the general CRM."""
    return [GENERAL, *registered_packs()]


def pack_folders(name: str) -> list[Path]:
    """Every pack's subfolder ``name`` (templates, locales, migrations) that exists."""
    return [found for pack in registered_packs().values() if (found := pack.subfolder(name))]
