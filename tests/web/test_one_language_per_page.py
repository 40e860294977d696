"""One language per page: every page a Russian demo salon links to (up to 400, one of each kind
of record) reads in Russian, with no English words but the few names every language uses."""

import re
import secrets
from html import unescape

from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from tests.helpers import STRONG_PASSWORD
from tests.platform.conftest import new_browser, sign_in  # noqa: F401

LINK = re.compile(r'href="(/w/[^"#]+)"')
WORDS = re.compile(r"\b\w[\w'’-]{2,}\b")
LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]+")
CYRILLIC = re.compile(r"[А-Яа-яЁё][А-Яа-яЁё'’-]+")
RECORD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}")
# Names and codes Russian pages use as they are.
SHARED_WORDS = {
    "Atrium", "SMS", "SMS-", "API", "API-", "CSV", "VIP", "VIP-", "Telegram", "Excel", "XLSX",
    "xlsx", "PDF", "English", "Ctrl", "LTV", "ABC-", "DEMO-", "E-mail", "e-mail", "UTC",
    "Instagram", "RUB", "USD", "EUR",
    # The channels a segment's conditions are typed with (email, sms, telegram).
    "email", "sms", "telegram",
}  # fmt: skip
# Pages that show every language side by side on purpose: the wording of each language.
EVERY_LANGUAGE = ("/settings/templates",)
SKIPPED = ("/export", "/logout", ".csv", ".xlsx", "/qr", "download")


def visible_text(html: str) -> str:
    """What a reader sees (and hears: titles, labels), without what they typed or code shown."""
    html = re.sub(
        r"<(script|style|template|select|datalist|textarea|code|pre|kbd|samp)\b.*?</\1>",
        " ",
        html,
        flags=re.S,
    )
    html = re.sub(r'<[^>]+\b(?:placeholder|title|aria-label|alt)="([^"]*)"[^>]*>', r" \1 ", html)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\S*[/@]\S*", " ", text)  # addresses and links


async def _crawl(db, sign_in, locale: str, company: str) -> dict[str, str]:  # noqa: F811
    """Every word of each page a demo salon links to: {word: the first page it is on}."""
    email = f"pages-{locale}-{secrets.token_hex(3)}@example.com"
    request = checked_signup(
        company=company, email=email, password=STRONG_PASSWORD, vertical="salon",
        locale=locale, name="Лиза" if locale == "ru" else "Liza",
    )  # fmt: skip
    workspace = await sign_up(db, request, demo=True)
    browser = await sign_in(email, slug=None)
    queue, opened, kinds, words = [f"/w/{workspace.slug}/"], set(), set(), {}
    while queue and len(opened) < 400:
        path = queue.pop(0)
        kind = RECORD_ID.sub("ID", path.split("?")[0])
        if path in opened or (kind in kinds and "ID" in kind) or any(s in path for s in SKIPPED):
            continue
        opened.add(path)
        kinds.add(kind)
        answer = await browser.get(path)
        if answer.status_code != 200 or "text/html" not in answer.headers["content-type"]:
            continue
        if not path.split("?")[0].endswith(EVERY_LANGUAGE):
            for word in set(WORDS.findall(visible_text(answer.text))):
                words.setdefault(word, path)
        queue += [unescape(link) for link in LINK.findall(answer.text)]
    assert len(opened) > 100
    return words


async def test_a_russian_demo_salon_has_no_english_on_its_pages(db, migrated, sign_in):  # noqa: F811
    words = await _crawl(db, sign_in, "ru", "Салон Язык")
    english = {
        word: page
        for word, page in words.items()
        if LATIN.fullmatch(word) and word not in SHARED_WORDS
    }
    assert not english, english


async def test_an_english_demo_salon_has_no_russian_on_its_pages(db, migrated, sign_in):  # noqa: F811
    words = await _crawl(db, sign_in, "en", "Salon Language")
    russian = {word: page for word, page in words.items() if CYRILLIC.fullmatch(word)}
    assert set(russian) <= {"Русский"}, russian  # the language switch names itself
