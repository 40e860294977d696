"""Russian and English complete: every page string has a Russian translation."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
# Every component's and pack's pages, wherever their folder (templates, page modules, forms,
# navigation labels).
COMPONENTS = ("platform", "tenants", "billing", "integrations", "verticals", "web")
PAGE_FILES = tuple(
    pattern
    for component in COMPONENTS
    for pattern in (f"{component}/**/templates/**/*.html", f"{component}/**/*.py")
)
RUSSIAN = ("web/pages/locales/ru/LC_MESSAGES/*.po", "verticals/*/locales/ru/LC_MESSAGES/*.po")
CALL = re.compile(r"""\b(?:_|gettext)\(\s*(["'])(.+?)\1""", re.S)
PLURAL = re.compile(r"""\bngettext\(\s*(["'])(.+?)\1,\s*(["'])(.+?)\3""", re.S)


def _used_strings() -> set[str]:
    used = set()
    for path in (found for pattern in PAGE_FILES for found in ROOT.glob(pattern)):
        if "node_modules" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        used |= {match[1] for match in CALL.findall(text)}
        used |= {match[1] for match in PLURAL.findall(text)}
    return used


def test_every_page_string_is_translated_to_russian():
    translated = set()
    for path in (found for pattern in RUSSIAN for found in ROOT.glob(pattern)):
        with path.open("rb") as po:
            catalog = read_po(po, locale="ru")
        translated |= {
            (message.id[0] if isinstance(message.id, tuple) else message.id)
            for message in catalog
            if message.id and message.string and all(message.string)
        }
    missing = sorted(_used_strings() - translated)
    assert not missing, f"no Russian for: {missing}"


def test_no_two_catalogs_translate_one_phrase_differently():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted(found for pattern in RUSSIAN for found in ROOT.glob(pattern)):
        with path.open("rb") as po:
            for message in read_po(po, locale="ru"):
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                if not key or not message.string:
                    continue
                if message.context:  # the same words in another sense ("plan": Start)
                    key = f"{message.context}|{key}"
                text = str(message.string)
                if key in seen and seen[key][1] != text:
                    clashes.append(f"{key!r}: {seen[key][0]} vs {path.name}")
                seen.setdefault(key, (path.name, text))
    assert not clashes, clashes


def test_every_plan_has_a_russian_name():
    from atrium.billing.subscriptions.catalog import PLANS
    from atrium.web.pages.i18n import template_functions

    plan_name = template_functions("ru")["plan_name"]
    names = {plan.name: plan_name(plan.name) for plan in PLANS.values()}
    assert names == {
        "Free": "Бесплатный",
        "Start": "Старт",
        "Business": "Бизнес",
        "Network": "Сеть",
    }


def test_every_trades_first_steps_are_translated_to_russian():
    from atrium.platform.crm.overview.service import GENERAL_STEPS
    from atrium.platform.packs import registered_packs
    from atrium.web.pages.i18n import plain_text

    steps = [*GENERAL_STEPS, *(s for pack in registered_packs().values() for s in pack.setup_steps)]
    shared = ["Invite a colleague", "Connect SMS or Telegram for reminders"]
    labels = [step.label for step in steps] + shared
    untranslated = [label for label in labels if plain_text("ru", label) == label]
    assert not untranslated, untranslated
