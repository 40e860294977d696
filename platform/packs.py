"""The pack contract: what a vertical pack declares so the platform and the app can use it.

Packs are found through the ``atrium.packs`` entry point group, so the platform never imports a
pack; each pack's module exposes a ``PACK`` object.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points


@dataclass(frozen=True)
class Pack:
    key: str
    names: dict[str, str]  # locale -> display name
    routes: list = field(default_factory=list)
    permissions: list[str] = field(default_factory=list)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names["en"]


GENERAL = "general"  # the core CRM with no vertical pack


@cache
def registered_packs() -> dict[str, Pack]:
    packs = {}
    for entry in entry_points(group="atrium.packs"):
        pack = entry.load()
        packs[pack.key] = pack
    return dict(sorted(packs.items()))


def vertical_choices() -> list[str]:
    """What a signup may choose: a pack, or the general CRM."""
    return [GENERAL, *registered_packs()]
