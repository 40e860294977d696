"""Merging duplicates keeps everything on the surviving card; the timeline shows its history."""


async def test_merging_moves_phones_emails_tags_and_history_onto_the_survivor(
    client, make_workspace
):
    salon = await make_workspace(company="Merge Salon", locale="ru")
    headers = salon["headers"]
    keep = (
        await client.post(
            "/api/v1/contacts",
            json={
                "first_name": "Елена",
                "phones": [{"number": "+7 916 555-00-11"}],
                "tags": ["VIP"],
            },
            headers=headers,
        )
    ).json()
    gone = (
        await client.post(
            "/api/v1/contacts",
            json={
                "first_name": "Лена",
                "last_name": "Смирнова",
                "emails": [{"address": "lena@example.com"}],
                "birthday": "1992-07-01",
                "tags": ["Стрижка"],
                "notes": "Любит кофе без сахара",
            },
            headers=headers,
        )
    ).json()
    await client.patch(f"/api/v1/contacts/{gone['id']}", json={"source": "visit"}, headers=headers)

    merged = await client.post(
        f"/api/v1/contacts/{keep['id']}/merge", json={"duplicate_id": gone["id"]}, headers=headers
    )
    assert merged.status_code == 200, merged.text
    card = merged.json()
    assert card["first_name"] == "Елена" and card["last_name"] == "Смирнова"
    assert [p["number"] for p in card["phones"]] == ["+79165550011"]
    assert [e["address"] for e in card["emails"]] == ["lena@example.com"]
    assert card["tags"] == ["VIP", "Стрижка"]
    assert card["birthday"] == "1992-07-01" and "кофе" in card["notes"]
    assert (await client.get(f"/api/v1/contacts/{gone['id']}", headers=headers)).status_code == 404

    timeline = (
        await client.get(f"/api/v1/contacts/{keep['id']}/timeline", headers=headers)
    ).json()["items"]
    kinds = [entry["kind"] for entry in timeline]
    assert kinds[0] == "contact.merged"
    assert timeline[0]["data"]["merged"]["id"] == gone["id"]
    assert kinds.count("contact.created") == 2  # both cards' beginnings are kept
    assert {"field": "source", "old": "", "new": "visit"} in [e["data"] for e in timeline]
    ats = [entry["at"] for entry in timeline]
    assert ats == sorted(ats, reverse=True)


async def test_a_contact_cannot_be_merged_with_itself_or_another_workspaces(client, make_workspace):
    mine = await make_workspace(company="Merge Mine")
    theirs = await make_workspace(company="Merge Theirs")
    me = (
        await client.post("/api/v1/contacts", json={"first_name": "A"}, headers=mine["headers"])
    ).json()
    them = (
        await client.post("/api/v1/contacts", json={"first_name": "B"}, headers=theirs["headers"])
    ).json()
    itself = await client.post(
        f"/api/v1/contacts/{me['id']}/merge",
        json={"duplicate_id": me["id"]},
        headers=mine["headers"],
    )
    assert itself.status_code == 422
    foreign = await client.post(
        f"/api/v1/contacts/{me['id']}/merge",
        json={"duplicate_id": them["id"]},
        headers=mine["headers"],
    )
    assert foreign.status_code == 404
    still = await client.get(f"/api/v1/contacts/{them['id']}", headers=theirs["headers"])
    assert still.status_code == 200


async def test_the_timeline_pages_through_a_long_history(client, make_workspace):
    shop = await make_workspace(company="Timeline Shop")
    contact = (
        await client.post("/api/v1/contacts", json={"first_name": "T"}, headers=shop["headers"])
    ).json()
    for number in range(7):
        await client.patch(
            f"/api/v1/contacts/{contact['id']}",
            json={"notes": f"visit {number}"},
            headers=shop["headers"],
        )
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get(
                f"/api/v1/contacts/{contact['id']}/timeline", params=params, headers=shop["headers"]
            )
        ).json()
        seen += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert len(seen) == 8 and len({entry["id"] for entry in seen}) == 8
    assert seen[-1]["kind"] == "contact.created"
    assert seen[0]["data"]["new"] == "visit 6"


async def test_notes_show_on_the_timeline_follow_a_merge_and_stay_in_their_workspace(
    client, make_workspace, join, sign_in
):
    salon = await make_workspace(company="Notes Salon", locale="ru")
    headers = salon["headers"]
    keep = (
        await client.post("/api/v1/contacts", json={"first_name": "Ира"}, headers=headers)
    ).json()
    gone = (
        await client.post("/api/v1/contacts", json={"first_name": "Ирина"}, headers=headers)
    ).json()
    written = await client.post(
        f"/api/v1/contacts/{gone['id']}/notes", json={"body": "Аллергия на аммиак"}, headers=headers
    )
    assert written.status_code == 201, written.text
    empty = await client.post(
        f"/api/v1/contacts/{keep['id']}/notes", json={"body": "   "}, headers=headers
    )
    assert empty.status_code == 422 and empty.json()["field"] == "body"

    merged = await client.post(
        f"/api/v1/contacts/{keep['id']}/merge", json={"duplicate_id": gone["id"]}, headers=headers
    )
    assert merged.status_code == 200, merged.text
    timeline = await client.get(f"/api/v1/contacts/{keep['id']}/timeline", headers=headers)
    notes = [e for e in timeline.json()["items"] if e["kind"] == "note.added"]
    assert [e["data"]["body"] for e in notes] == ["Аллергия на аммиак"]
    listed = await client.get(f"/api/v1/contacts/{keep['id']}/notes", headers=headers)
    assert [n["body"] for n in listed.json()["items"]] == ["Аллергия на аммиак"]

    other = await make_workspace(company="Other Notes Salon")
    note_id = written.json()["id"]
    assert (
        await client.post(
            f"/api/v1/contacts/{keep['id']}/notes", json={"body": "x"}, headers=other["headers"]
        )
    ).status_code == 404
    assert (
        await client.delete(f"/api/v1/notes/{note_id}", headers=other["headers"])
    ).status_code == 404

    employee = await join(salon, "employee")
    as_employee = await sign_in(employee["email"], slug=salon["tenant"]["slug"])
    assert (await as_employee.delete(f"/api/v1/notes/{note_id}")).status_code == 404  # not theirs
    assert (await client.delete(f"/api/v1/notes/{note_id}", headers=headers)).status_code == 204
    listed = await client.get(f"/api/v1/contacts/{keep['id']}/notes", headers=headers)
    assert listed.json()["items"] == []
