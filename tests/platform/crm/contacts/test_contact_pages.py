"""Contact pages over real HTTP with a session cookie: list, create with messages next to the
fields, the duplicate warning and merge, bulk actions, CSRF, and other workspaces unreachable."""

import re
import uuid

import pytest

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401


@pytest.fixture
async def owner(make_workspace, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Pages Salon")
    browser = await sign_in(workspace["user"]["email"], slug=None)
    csrf = browser.headers.pop("X-CSRF-Token")  # forms carry it as a field, as a browser does
    return workspace, browser, csrf


def base(workspace) -> str:
    return f"/w/{workspace['tenant']['slug']}"


async def test_a_contact_is_added_from_the_form_and_shown_on_its_card(owner):
    workspace, browser, csrf = owner
    empty = await browser.get(f"{base(workspace)}/contacts")
    assert empty.status_code == 200
    assert "No clients yet" in empty.text
    assert "script-src 'self'" in empty.headers["content-security-policy"]

    created = await browser.post(
        f"{base(workspace)}/contacts",
        data={
            "csrf_token": csrf,
            "first_name": "Maria",
            "last_name": "Ivanova",
            "phone": "+7 (916) 123-45-67",
            "email": "Maria@Example.com",
            "birthday": "1990-03-05",
            "tags": "vip, regular",
            "marketing_consent": "on",
        },
    )
    assert created.status_code == 302, created.text
    card = await browser.get(created.headers["location"])
    assert card.status_code == 200
    assert "Ivanova Maria" in card.text
    assert 'href="tel:+79161234567"' in card.text and "+7 916 123-45-67" in card.text
    assert "Monday, 5 March 1990" in card.text
    assert "Card created" in card.text

    listed = await browser.get(f"{base(workspace)}/contacts?q=ivanova")
    assert "Ivanova Maria" in listed.text
    nobody = await browser.get(f"{base(workspace)}/contacts?q=zzzzqqq")
    assert "Nobody matches" in nobody.text


async def test_a_bad_phone_is_explained_next_to_the_field_and_the_values_stay(owner):
    workspace, browser, csrf = owner
    answer = await browser.post(
        f"{base(workspace)}/contacts?lang=ru",
        data={"csrf_token": csrf, "first_name": "Ольга", "phone": "12"},
    )
    assert answer.status_code == 422
    error = re.search(r'id="phone-error">([^<]+)<', answer.text)
    assert error, answer.text
    assert 'value="Ольга"' in answer.text and 'value="12"' in answer.text
    listed = await browser.get(f"{base(workspace)}/contacts")
    assert "Клиентов пока нет" in listed.text  # nothing half-written; the language is kept


async def test_a_duplicate_phone_warns_and_can_be_added_to_the_existing_card(owner):
    workspace, browser, csrf = owner
    first = await browser.post(
        f"{base(workspace)}/contacts",
        data={"csrf_token": csrf, "first_name": "Anna", "phone": "+7 916 555-11-22"},
    )
    existing = first.headers["location"].rsplit("/", 1)[1]
    again = {"csrf_token": csrf, "first_name": "Anna", "last_name": "Petrova",
             "phone": "+7 916 555 1122", "email": "anna@example.com"}  # fmt: skip
    warned = await browser.post(f"{base(workspace)}/contacts", data=again)
    assert warned.status_code == 409
    assert "already has this phone or e-mail" in warned.text
    assert f'name="merge_into" value="{existing}"' in warned.text

    merged = await browser.post(
        f"{base(workspace)}/contacts", data={**again, "merge_into": existing}
    )
    assert merged.status_code == 302
    assert merged.headers["location"].endswith(existing)
    card = await browser.get(merged.headers["location"])
    assert "anna@example.com" in card.text
    listed = await browser.get(f"{base(workspace)}/contacts")
    assert listed.text.count('name="ids"') == 1


async def test_bulk_actions_tag_every_selected_contact(owner):
    workspace, browser, csrf = owner
    ids = []
    for name in ("One", "Two", "Three"):
        answer = await browser.post(
            f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": name}
        )
        ids.append(answer.headers["location"].rsplit("/", 1)[1])
    done = await browser.post(
        f"{base(workspace)}/contacts/bulk",
        data={"csrf_token": csrf, "action": "tag", "tag": "winter", "ids": ids[:2]},
    )
    assert done.status_code == 302
    assert "2 contacts changed." in (await browser.get(done.headers["location"])).text
    tagged = await browser.get(f"{base(workspace)}/contacts?tag=winter")
    assert "One" in tagged.text and "Two" in tagged.text and "Three" not in tagged.text


async def test_a_bulk_owner_change_gives_contacts_only_to_members_of_the_workspace(
    owner,
    make_workspace,
    join,  # noqa: F811
    client,
):
    workspace, browser, csrf = owner
    made = await browser.post(
        f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": "Kept"}
    )
    contact_id = made.headers["location"].rsplit("/", 1)[1]
    other = await make_workspace(company="Elsewhere Owners")
    for stranger in (other["user"]["id"], str(uuid.uuid4())):
        refused = await browser.post(
            f"{base(workspace)}/contacts/bulk?lang=ru",
            data={"csrf_token": csrf, "action": "owner", "owner_id": stranger,
                  "ids": [contact_id]},
            follow_redirects=True,
        )  # fmt: skip
        assert refused.status_code == 200
        assert "Выберите ответственного из списка." in refused.text
        card = await client.get(f"/api/v1/contacts/{contact_id}", headers=workspace["headers"])
        assert card.json()["owner_id"] == workspace["user"]["id"]

    colleague = await join(workspace, "manager")
    moved = await browser.post(
        f"{base(workspace)}/contacts/bulk",
        data={"csrf_token": csrf, "action": "owner", "owner_id": colleague["user_id"],
              "ids": [contact_id]},
    )  # fmt: skip
    assert moved.status_code == 302
    card = await client.get(f"/api/v1/contacts/{contact_id}", headers=workspace["headers"])
    assert card.json()["owner_id"] == colleague["user_id"]


async def test_a_form_without_its_csrf_token_is_refused(owner):
    workspace, browser, _ = owner
    answer = await browser.post(f"{base(workspace)}/contacts", data={"first_name": "Eve"})
    assert answer.status_code == 403
    listed = await browser.get(f"{base(workspace)}/contacts")
    assert "Eve" not in listed.text


async def test_another_workspaces_pages_and_records_are_not_found(owner, make_workspace, client):
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Pages Shop")
    theirs = await client.post(
        "/api/v1/contacts", json={"first_name": "Secret"}, headers=other["headers"]
    )
    their_id = theirs.json()["id"]
    assert (await browser.get(f"{base(other)}/contacts")).status_code == 404
    assert (await browser.get(f"{base(workspace)}/contacts/{their_id}")).status_code == 404
    deleted = await browser.post(
        f"{base(workspace)}/contacts/{their_id}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 404
    still = await client.get(f"/api/v1/contacts/{their_id}", headers=other["headers"])
    assert still.status_code == 200


async def test_signed_out_visitors_are_sent_to_sign_in(client, owner):
    workspace, _, _ = owner
    answer = await client.get(f"{base(workspace)}/contacts", follow_redirects=False)
    assert answer.status_code in (302, 303)
    assert answer.headers["location"].startswith("/login?next=")


async def test_front_end_libraries_are_served_by_the_app_as_scripts(client):
    for name in ("htmx.min.js", "sortable.min.js"):
        answer = await client.get(f"/vendor/{name}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/javascript")
        assert len(answer.content) > 10_000
    assert (await client.get("/vendor/../package.json")).status_code == 404


async def test_the_home_page_counts_the_clients(owner):
    workspace, browser, csrf = owner
    for name in ("Ann", "Bob", "Cy"):
        await browser.post(
            f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": name}
        )
    home = await browser.get(f"{base(workspace)}/")
    figure = re.search(r'<span class="value">(\d+)</span>clients</a>', home.text)
    assert figure and figure.group(1) == "3", home.text


async def test_marketing_channels_are_chosen_on_the_form(owner, client):
    workspace, browser, csrf = owner
    created = await browser.post(
        f"{base(workspace)}/contacts",
        data={"csrf_token": csrf, "first_name": "Lena", "marketing_consent": "on",
              "marketing_channel": ["sms"]},
    )  # fmt: skip
    card = await browser.get(created.headers["location"])
    assert "unsubscribed from: email, telegram" in card.text
    contact_id = created.headers["location"].rsplit("/", 1)[1]
    api = await client.get(f"/api/v1/contacts/{contact_id}", headers=workspace["headers"])
    assert api.json()["marketing_opt_outs"] == ["email", "telegram"]


async def test_bulk_delete_asks_once_then_deletes_the_chosen_contacts(owner):
    workspace, browser, csrf = owner
    ids = []
    for name in ("Gone", "Also gone", "Stays"):
        answer = await browser.post(
            f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": name}
        )
        ids.append(answer.headers["location"].rsplit("/", 1)[1])
    chosen = {"csrf_token": csrf, "action": "delete", "ids": ids[:2]}
    asked = await browser.post(f"{base(workspace)}/contacts/bulk?lang=ru", data=chosen)
    assert asked.status_code == 200
    assert "Удалить 2 клиентов и их историю?" in asked.text
    assert asked.text.count('name="ids"') == 2 and 'name="confirmed" value="1"' in asked.text
    assert (
        len(re.findall(r'name="ids"', (await browser.get(f"{base(workspace)}/contacts")).text)) == 3
    )

    done = await browser.post(f"{base(workspace)}/contacts/bulk", data={**chosen, "confirmed": "1"})
    assert done.status_code == 302  # the page is in Russian since ?lang=ru above
    assert "Изменено 2 клиента." in (await browser.get(done.headers["location"])).text
    listed = await browser.get(f"{base(workspace)}/contacts")
    assert "Stays" in listed.text and "Gone" not in listed.text


async def test_a_duplicate_is_found_from_the_card_and_merged_after_one_question(owner):
    workspace, browser, csrf = owner
    kept = await browser.post(
        f"{base(workspace)}/contacts",
        data={"csrf_token": csrf, "first_name": "Irina", "last_name": "Volkova",
              "phone": "+7 916 700-00-01"},
    )  # fmt: skip
    kept_id = kept.headers["location"].rsplit("/", 1)[1]
    twin = await browser.post(
        f"{base(workspace)}/contacts",
        data={"csrf_token": csrf, "first_name": "Irina", "last_name": "Volkova",
              "email": "irina@example.com", "tags": "from-import"},
    )  # fmt: skip
    twin_id = twin.headers["location"].rsplit("/", 1)[1]

    card = await browser.get(f"{base(workspace)}/contacts/{kept_id}")
    assert "Merge a duplicate into this card" in card.text and 'name="merge_q"' in card.text
    found = await browser.get(f"{base(workspace)}/contacts/{kept_id}?merge_q=volkova")
    link = f"{base(workspace)}/contacts/{kept_id}/merge?duplicate_id={twin_id}"
    assert f'href="{link}"' in found.text
    assert f"duplicate_id={kept_id}" not in found.text  # not merged into itself

    asked = await browser.get(f"{link}&lang=ru")
    assert asked.status_code == 200 and "Объединить «Volkova Irina»" in asked.text
    assert f'name="duplicate_id" value="{twin_id}"' in asked.text
    assert (await browser.get(f"{base(workspace)}/contacts/{twin_id}")).status_code == 200

    merged = await browser.post(
        f"{base(workspace)}/contacts/{kept_id}/merge",
        data={"csrf_token": csrf, "duplicate_id": twin_id},
    )
    assert merged.status_code == 302
    card = await browser.get(merged.headers["location"])
    assert "irina@example.com" in card.text and "from-import" in card.text
    assert (await browser.get(f"{base(workspace)}/contacts/{twin_id}")).status_code == 404


async def test_an_edit_that_repeats_another_cards_phone_offers_the_merge(owner):
    workspace, browser, csrf = owner
    first = await browser.post(
        f"{base(workspace)}/contacts",
        data={"csrf_token": csrf, "first_name": "Pavel", "phone": "+7 916 700-00-02"},
    )
    first_id = first.headers["location"].rsplit("/", 1)[1]
    second = await browser.post(
        f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": "Pasha"}
    )
    second_id = second.headers["location"].rsplit("/", 1)[1]
    edited = await browser.post(
        f"{base(workspace)}/contacts/{second_id}",
        data={"csrf_token": csrf, "first_name": "Pasha", "phone": "+7 916 700 0002"},
    )
    assert edited.status_code == 409
    assert f"/contacts/{second_id}/merge?duplicate_id={first_id}" in edited.text


async def test_another_workspaces_contact_cannot_be_merged_in(owner, make_workspace, client):
    workspace, browser, csrf = owner
    mine = await browser.post(
        f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": "Mine"}
    )
    mine_id = mine.headers["location"].rsplit("/", 1)[1]
    other = await make_workspace(company="Other Merge Shop")
    theirs = await client.post(
        "/api/v1/contacts", json={"first_name": "Secret"}, headers=other["headers"]
    )
    their_id = theirs.json()["id"]
    asked = await browser.get(f"{base(workspace)}/contacts/{mine_id}/merge?duplicate_id={their_id}")
    assert asked.status_code == 404 and "Secret" not in asked.text
    merged = await browser.post(
        f"{base(workspace)}/contacts/{mine_id}/merge",
        data={"csrf_token": csrf, "duplicate_id": their_id},
    )
    assert merged.status_code == 404
    still = await client.get(f"/api/v1/contacts/{their_id}", headers=other["headers"])
    assert still.status_code == 200
