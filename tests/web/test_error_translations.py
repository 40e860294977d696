"""Every message the services raise as a DomainError (or a subclass) has Russian.

The messages are found with ``ast``: each call of DomainError or of a class inheriting
from it, whose first argument is a string literal. Pages translate that literal with
gettext from the catalogs (messages.po first), so each one needs a non-empty Russian
translation there, with the same ``%(name)s`` placeholders.
"""

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("platform", "tenants", "verticals", "billing", "integrations", "web")
SKIPPED = {"migrations", ".venv", "node_modules"}
LC_MESSAGES = ROOT / "web/pages/locales/ru/LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]")
# Translations that leave a placeholder out on purpose: the hint is zxcvbn's English advice.
LEAVES_OUT = {"Password is too easy to guess: %(hint)s.": {"%(hint)s"}}


def _modules() -> list[ast.Module]:
    return [
        ast.parse(path.read_text(), filename=str(path))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if not SKIPPED & set(path.relative_to(ROOT).parts)
    ]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _error_classes(modules: list[ast.Module]) -> set[str]:
    """DomainError and every class inheriting from it, directly or not."""
    bases = {
        node.name: {_name(base) for base in node.bases}
        for module in modules
        for node in ast.walk(module)
        if isinstance(node, ast.ClassDef)
    }
    found = {"DomainError"}
    while more := {name for name, parents in bases.items() if parents & found} - found:
        found |= more
    return found


def _error_messages() -> set[str]:
    modules = _modules()
    classes = _error_classes(modules)
    return {
        node.args[0].value
        for module in modules
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and _name(node.func) in classes
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def _russian() -> dict[str, str]:
    translated = {}
    # messages.po wins, as in the loader (web/pages/i18n.py): read last.
    catalogs = [*LC_MESSAGES.glob("*.po"), *ROOT.glob("verticals/*/locales/ru/LC_MESSAGES/*.po")]
    for path in sorted(catalogs, key=lambda po: po.name == "messages.po"):
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale="ru")
            translated |= {
                message.id: message.string
                for message in catalog
                if message.id and isinstance(message.id, str) and message.string
            }
    return translated


def test_the_scan_finds_error_messages():
    assert "%(email)s is not an e-mail address." in _error_messages()


def test_every_error_message_is_translated_to_russian():
    russian = _russian()
    missing = sorted(_error_messages() - russian.keys())
    assert not missing, f"no Russian for {len(missing)} error messages: {missing}"


def test_russian_error_messages_keep_their_placeholders():
    russian = _russian()
    wrong = sorted(
        message
        for message in _error_messages() & russian.keys()
        if set(PLACEHOLDER.findall(message)) - LEAVES_OUT.get(message, set())
        != set(PLACEHOLDER.findall(russian[message]))
    )
    assert not wrong, f"placeholders differ in Russian for: {wrong}"
