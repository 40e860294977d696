"""The sites a salon lets show its booking pages go into those pages' Content-Security-Policy:
only well-formed origins are accepted (API and settings page), and a value kept before they
were checked cannot add anything to the header."""

from sqlalchemy import update

from atrium.verticals.salon.models import SalonSettings
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import salon  # noqa: F401
from tests.web.test_form_errors import described_error

SETTINGS = "/api/v1/salon/settings"
INJECTED = "https://ok.example;frame-src *"
NOT_ORIGINS = [
    INJECTED,
    "https://ok.example; script-src 'unsafe-inline'",
    "https://ok.example frame-src",
    "https://ok.example,https://evil.example",
    "https://ok.example'",
    'https://ok.example"',
    "https://*.ok.example",
    "*",
    "https://user@ok.example",
    "http://[::1]:8080",
    "https://2130706433",
    "https://ok.example/a;b",
    "https://ok.example:0",
    "https://-ok.example",
    "https://ok_example.com",
    "javascript:alert(1)",
]


def frame_ancestors(answer) -> str:
    policy = answer.headers["content-security-policy"]
    [directive] = [part.strip() for part in policy.split(";") if "frame-ancestors" in part]
    return directive


async def test_only_well_formed_origins_are_accepted_by_the_api(client, salon):  # noqa: F811
    kept = ["https://liza.example", "https://xn--80awgdm.xn--p1ai:8443", "http://10.1.2.3"]
    saved = await client.put(
        SETTINGS,
        json={
            "widget_sites": [
                "https://Liza.example/book",
                "https://салон.рф:8443",
                "http://10.1.2.3",
            ]
        },
        headers=salon.headers,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["widget_sites"] == kept
    for bad in NOT_ORIGINS:
        refused = await client.put(
            SETTINGS, json={"widget_sites": ["https://fine.example", bad]}, headers=salon.headers
        )
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["field"] == "widget_sites"
    ru = await client.put(
        SETTINGS,
        json={"widget_sites": [INJECTED]},
        headers={**salon.headers, "Accept-Language": "ru"},
    )
    assert ru.status_code == 422
    assert (
        ru.json()["detail"].startswith(INJECTED) and "https://liza-salon.ru" in ru.json()["detail"]
    )
    assert "not a site" not in ru.json()["detail"]  # in Russian
    assert (await client.get(SETTINGS, headers=salon.headers)).json()["widget_sites"] == kept
    page = await client.get(f"/book/{salon.slug}/arbat")
    assert frame_ancestors(page) == f"frame-ancestors 'self' {' '.join(kept)}"
    assert "frame-src" not in page.headers["content-security-policy"]


async def test_the_settings_page_refuses_a_site_that_is_no_origin(client, salon, sign_in):  # noqa: F811
    desk = await sign_in(salon.workspace["user"]["email"])
    csrf = desk.headers.pop("X-CSRF-Token")
    form = {
        "csrf_token": csrf, "reminder_hours": "24", "rebook_days_early": "3",
        "vip_quarters": "6", "vip_spend": "15000", "channel_sms": "on",
    }  # fmt: skip
    for lang, message in (
        ("en", "https://ok.example;frame-src is not a site's address, such as "
               "https://liza-salon.ru."),
        ("ru", "https://ok.example;frame-src"),
    ):  # fmt: skip
        refused = await desk.post(
            f"/w/{salon.slug}/salon/catalog/settings?lang={lang}",
            data={**form, "widget_sites": f"https://liza.example\n{INJECTED}"},
        )
        assert refused.status_code == 422, refused.text
        shown = described_error(refused.text, "widget_sites")
        assert shown.startswith(message), shown
        if lang == "ru":
            assert "not a site" not in shown
    page = await client.get(f"/book/{salon.slug}/arbat")
    assert frame_ancestors(page) == "frame-ancestors *"  # nothing was saved
    saved = await desk.post(
        f"/w/{salon.slug}/salon/catalog/settings",
        data={**form, "widget_sites": "https://liza.example/contacts\nhttp://localhost:8080"},
    )
    assert saved.status_code == 302, saved.text
    page = await client.get(f"/book/{salon.slug}/arbat")
    assert (
        frame_ancestors(page) == "frame-ancestors 'self' https://liza.example http://localhost:8080"
    )


async def test_a_bad_site_kept_from_before_cannot_reach_the_header(client, db, salon):  # noqa: F811
    base = (await client.get(f"/book/{salon.slug}/arbat")).headers["content-security-policy"]
    saved = await client.put(
        SETTINGS, json={"widget_sites": ["https://liza.example"]}, headers=salon.headers
    )
    assert saved.status_code == 200
    for stored, expected in (
        ([INJECTED, "https://liza.example"], "frame-ancestors 'self' https://liza.example"),
        ([INJECTED, "https://x.example frame-src *", "'unsafe-inline'"], "frame-ancestors 'self'"),
    ):
        async with db.tenant_transaction(salon.schema) as session:
            await session.execute(update(SalonSettings).values(widget_sites=stored))
        page = await client.get(f"/book/{salon.slug}/arbat")
        policy = page.headers["content-security-policy"]
        assert frame_ancestors(page) == expected
        assert "frame-src" not in policy and "unsafe" not in policy
        assert policy.count(";") == base.count(";")  # no directive added
