"""Plan names in the reader's language: on the billing page and in the refusals that name a
plan (the API's ``upgrade`` member keeps the plan's own name for programs)."""

from tests.billing.test_billing_pages import page_of, signed_in


async def test_the_russian_billing_page_names_the_plans_in_russian(make_workspace, sign_in):
    workspace, browser, _ = await signed_in(make_workspace, sign_in, "Салон Тарифы", "ru")
    text = (await browser.get(page_of(workspace) + "?lang=ru")).text
    assert "Ваш тариф: Бизнес" in text
    for name in ("Бесплатный", "Старт", "Бизнес", "Сеть"):
        assert f"Перейти на {name}" in text
    for name in ("Free", "Start", "Network"):
        assert f">{name}<" not in text and f"на {name}" not in text


async def test_a_refusal_names_the_plans_in_the_callers_language(client, make_workspace):
    owner = await make_workspace(company="Seats Language Salon")
    headers = owner["headers"]
    await client.put("/api/v1/billing/subscription", json={"plan": "free"}, headers=headers)
    first = await client.post(
        "/api/v1/invitations", json={"email": "a@plans.example", "role": "employee"},
        headers=headers,
    )  # fmt: skip
    assert first.status_code == 201, first.text
    body = {"email": "b@plans.example", "role": "employee"}
    russian = await client.post(
        "/api/v1/invitations", json=body, headers={**headers, "Accept-Language": "ru"}
    )
    assert russian.status_code == 402
    assert russian.json()["detail"] == (
        "Тариф Бесплатный допускает пользователей: 2; в пространстве уже 2. "
        "Тариф Старт снимает это ограничение."
    )
    assert russian.json()["title"] == "Достигнут предел"
    assert russian.json()["upgrade"] == "Start"
    english = await client.post("/api/v1/invitations", json=body, headers=headers)
    assert english.json()["detail"] == (
        "Your plan (Free) allows 2 users; the workspace has 2. The Start plan lifts this limit."
    )


async def test_a_pack_the_plan_lacks_is_named_in_the_callers_language(client, make_workspace):
    owner = await make_workspace(company="Plain Pack Shop", vertical="general")
    headers = owner["headers"]
    await client.put("/api/v1/billing/subscription", json={"plan": "free"}, headers=headers)
    refused = await client.patch(
        "/api/v1/workspace",
        json={"vertical": "salon"},
        headers={**headers, "Accept-Language": "ru"},
    )
    assert refused.status_code == 402, refused.text
    assert "Салон красоты" in refused.json()["detail"]
    assert "Бесплатный" in refused.json()["detail"] and "Старт" in refused.json()["detail"]
    english = await client.patch("/api/v1/workspace", json={"vertical": "salon"}, headers=headers)
    assert english.json()["detail"] == (
        "Your plan (Free) does not include the Beauty salon pack. The Start plan includes it."
    )
