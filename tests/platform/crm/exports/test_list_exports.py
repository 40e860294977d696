"""Exports of the appeals register, the leads inbox, the task pages and a segment's members:
each honours its list's filter, writes CSV (UTF-8 with a BOM; ';' in Russian) and .xlsx, puts
codes in the page's words, and never shows another workspace's records."""

import io

import pytest
from openpyxl import load_workbook

from tests.platform.conftest import new_browser, sign_in  # noqa: F401


@pytest.fixture
async def owner(make_workspace, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Export Lists Salon", locale="ru")
    browser = await sign_in(workspace["user"]["email"], slug=None)
    browser.headers.pop("X-CSRF-Token")
    browser.cookies.set("atrium_lang", "ru")
    return workspace, browser


def base(workspace) -> str:
    return f"/w/{workspace['tenant']['slug']}"


def csv_rows(answer) -> list[list[str]]:
    assert answer.status_code == 200, answer.text
    assert answer.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in answer.headers["content-disposition"]
    return [line.split(";") for line in answer.content.decode("utf-8-sig").splitlines()]


def xlsx_rows(answer) -> list[tuple]:
    assert answer.status_code == 200, answer.text
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


async def post(client, workspace, path: str, **fields) -> dict:
    answer = await client.post(f"/api/v1/{path}", json=fields, headers=workspace["headers"])
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


async def test_appeals_export_follows_the_register_filters(owner, client):
    workspace, browser = owner
    await post(client, workspace, "appeals", channel="phone", kind="complaint",
               subject="Холодный кофе")  # fmt: skip
    await post(client, workspace, "appeals", channel="email", kind="complaint",
               subject="Долгая доставка", result="Извинились, вернули деньги")  # fmt: skip
    await post(client, workspace, "appeals", channel="email", kind="inquiry",
               subject="Часы работы")  # fmt: skip

    register = await browser.get(f"{base(workspace)}/appeals?open=1")
    assert f"{base(workspace)}/exports/appeals.csv?open=1" in register.text
    open_complaints = csv_rows(await browser.get(f"{base(workspace)}/exports/appeals.csv?open=1"))
    assert open_complaints[0][:5] == ["Получено", "Канал", "Вид", "Клиент", "Тема"]
    assert [(row[1], row[2], row[4]) for row in open_complaints[1:]] == [
        ("Звонок", "Жалоба", "Холодный кофе")
    ]
    by_email = xlsx_rows(await browser.get(f"{base(workspace)}/exports/appeals.xlsx?channel=email"))
    assert sorted(row[4] for row in by_email[1:]) == ["Долгая доставка", "Часы работы"]
    everything = csv_rows(await browser.get(f"{base(workspace)}/exports/appeals.csv"))
    assert len(everything) == 4
    bad = await browser.get(f"{base(workspace)}/exports/appeals.csv?channel=pigeon")
    assert bad.status_code == 422 and "Канал — одно из значений" in bad.text  # by its label


async def test_leads_export_follows_the_inbox_status(owner, client):
    workspace, browser = owner
    waiting = await post(client, workspace, "leads", source="form", name="Ирина",
                         phone="+7 916 111-22-33")  # fmt: skip
    taken = await post(client, workspace, "leads", source="call", name="Олег")
    await post(client, workspace, f"leads/{taken['id']}/assign",
               assignee_id=workspace["user"]["id"])  # fmt: skip

    inbox = await browser.get(f"{base(workspace)}/leads?status=unsorted")
    assert f"{base(workspace)}/exports/leads.csv?status=unsorted" in inbox.text
    unsorted = csv_rows(await browser.get(f"{base(workspace)}/exports/leads.csv?status=unsorted"))
    assert unsorted[0][:3] == ["Получено", "Имя клиента", "Телефон"]
    assert [(row[1], row[2], row[5], row[6]) for row in unsorted[1:]] == [
        (waiting["name"], "+79161112233", "Форма на сайте", "Не разобрана")
    ]
    assigned = xlsx_rows(await browser.get(f"{base(workspace)}/exports/leads.xlsx?status=assigned"))
    assert [(row[1], row[8]) for row in assigned[1:]] == [("Олег", workspace["user"]["email"])]
    bad = await browser.get(f"{base(workspace)}/exports/leads.csv?status=lost")
    assert bad.status_code == 422


async def test_tasks_export_follows_the_page_view(owner, client):
    workspace, browser = owner
    for title, due in (("Позвонить в мае", "2030-05-10T10:00:00+03:00"),
                       ("Встреча в июне", "2030-06-02T15:30:00+03:00")):  # fmt: skip
        await post(client, workspace, "activities", kind="call", title=title, due_at=due,
                   assignee_id=workspace["user"]["id"])  # fmt: skip

    page = await browser.get(f"{base(workspace)}/tasks?view=calendar&who=all&month=2030-05")
    export = "exports/tasks.csv?view=calendar&amp;who=all&amp;month=2030-05"
    assert export in page.text
    may = csv_rows(
        await browser.get(
            f"{base(workspace)}/exports/tasks.csv?view=calendar&who=all&month=2030-05"
        )
    )
    assert may[0][:3] == ["Когда", "Название", "Вид"]
    assert [row[1:3] for row in may[1:]] == [["Позвонить в мае", "Звонок"]]
    june = xlsx_rows(
        await browser.get(f"{base(workspace)}/exports/tasks.xlsx?view=calendar&month=2030-06")
    )
    assert [row[1] for row in june[1:]] == ["Встреча в июне"]
    bad = await browser.get(f"{base(workspace)}/exports/tasks.csv?view=calendar&month=May")
    assert bad.status_code == 404


async def test_a_segments_members_export_as_it_stands_now(owner, client):
    workspace, browser = owner
    for name, tags in (("Анна", ["vip"]), ("Борис", []), ("Вера", ["vip"])):
        await post(client, workspace, "contacts", first_name=name, tags=tags)
    segment = await post(client, workspace, "segments", name="VIP",
                         conditions=[{"field": "tag", "op": "has", "value": "vip"}])  # fmt: skip

    page = await browser.get(f"{base(workspace)}/segments/{segment['id']}")
    assert f"{base(workspace)}/exports/segment.xlsx?segment={segment['id']}" in page.text
    members = csv_rows(
        await browser.get(f"{base(workspace)}/exports/segment.csv?segment={segment['id']}")
    )
    assert members[0][:2] == ["Фамилия", "Имя"]
    assert [row[1] for row in members[1:]] == ["Анна", "Вера"]
    missing = await browser.get(f"{base(workspace)}/exports/segment.csv")
    assert missing.status_code == 422


async def test_another_workspaces_records_never_appear_in_an_export(owner, client, make_workspace):
    workspace, browser = owner
    other = await make_workspace(company="Export Stranger Salon", locale="ru")
    await post(client, other, "appeals", channel="phone", kind="complaint", subject="Чужая жалоба")
    await post(client, other, "leads", source="form", name="Чужой лид")
    await post(client, other, "activities", kind="task", title="Чужая задача",
               due_at="2030-05-11T10:00:00+03:00", assignee_id=other["user"]["id"])  # fmt: skip
    await post(client, other, "contacts", first_name="Чужой", tags=["vip"])
    theirs = await post(client, other, "segments", name="Their VIP",
                        conditions=[{"field": "tag", "op": "has", "value": "vip"}])  # fmt: skip

    mine = base(workspace)
    for path in ("appeals.csv", "leads.csv", "tasks.csv?view=calendar&who=all&month=2030-05"):
        answer = await browser.get(f"{mine}/exports/{path}")
        assert answer.status_code == 200
        assert "Чуж" not in answer.content.decode("utf-8-sig"), path
    # Their segment by its id, from my workspace: not found, nothing written.
    their_segment = await browser.get(f"{mine}/exports/segment.csv?segment={theirs['id']}")
    assert their_segment.status_code == 404
    assert "Чуж" not in their_segment.text
    # Their workspace's address: not found.
    for path in ("appeals.csv", "leads.xlsx", "tasks.csv", f"segment.csv?segment={theirs['id']}"):
        assert (await browser.get(f"{base(other)}/exports/{path}")).status_code == 404


async def test_a_contacts_export_leaves_empty_cells_empty_words_genders_and_quotes_formulas(
    owner, client
):
    workspace, browser = owner
    await post(client, workspace, "contacts", first_name="Анна", gender="female",
               phones=[{"number": "+7 999 123-45-67"}])  # fmt: skip
    await post(client, workspace, "contacts", first_name="-1+cmd|' /C calc'!A0")
    await post(client, workspace, "contacts", first_name="+1+2", last_name="-")

    rows = csv_rows(await browser.get(f"{base(workspace)}/exports/contacts.csv?sort=created_at"))
    assert rows[0][:7] == ["Фамилия", "Имя", "Отчество", "Телефон", "Эл. почта", "День рождения",
                           "Пол"]  # fmt: skip
    anna, formula, plus = rows[1:]
    # Nothing typed, nothing written: no lone apostrophe in an empty cell.
    assert anna[0] == anna[2] == anna[4] == anna[5] == ""
    assert (anna[1], anna[3], anna[6]) == ("Анна", "+79991234567", "Женский")
    assert formula[1] == "'-1+cmd|' /C calc'!A0" and formula[6] == ""
    assert (plus[0], plus[1]) == ("-", "'+1+2")

    sheet = xlsx_rows(await browser.get(f"{base(workspace)}/exports/contacts.xlsx?sort=created_at"))
    assert sheet[1][:7] == (None, "Анна", None, "+79991234567", None, None, "Женский")
    assert sheet[2][1] == "'-1+cmd|' /C calc'!A0"
