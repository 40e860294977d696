"""Import and export pages over real HTTP with a session cookie: upload, preview with the guessed
columns, start, progress while the job runs, the report of rejected rows in the page's language
(also as CSV), undo, exports with the list's filters, and other workspaces out of reach."""

import asyncio
import io
import re
import uuid

import pytest
from openpyxl import load_workbook

from atrium.platform.crm.imports import tasks as import_jobs
from atrium.platform.crm.imports.tasks import import_batch
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.imports.support import csv_bytes, schema_of, upload

HEADERS = ["Фамилия", "Имя", "Телефон", "Эл. почта"]


@pytest.fixture
async def owner(make_workspace, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Import Pages Salon", locale="ru")
    browser = await sign_in(workspace["user"]["email"], slug=None)
    csrf = browser.headers.pop("X-CSRF-Token")  # forms carry it as a field, as a browser does
    browser.cookies.set("atrium_lang", "ru")
    return workspace, browser, csrf


def base(workspace) -> str:
    return f"/w/{workspace['tenant']['slug']}"


async def _upload(browser, workspace, csrf, content: bytes, kind="contacts", name="clients.csv"):
    return await browser.post(
        f"{base(workspace)}/imports",
        data={"csrf_token": csrf, "kind": kind},
        files={"file": (name, content, "text/csv")},
    )


async def _start(browser, workspace, csrf, batch_url: str, mapping: list[str], rule="skip"):
    form = {"csrf_token": csrf, "on_duplicate": rule}
    form |= {f"column_{i}": key for i, key in enumerate(mapping)}
    return await browser.post(f"{batch_url}/start", data=form)


async def _imported(db, workspace, browser, batch_url: str):
    """Run the started batch here, then its page once it is finished. The suite's job worker,
    when running, may have taken the batch first: then this run finds it held and returns at
    once, and the page is read when the worker's run is done."""
    await import_batch(db, await schema_of(db, workspace), uuid.UUID(batch_url.rsplit("/")[-1]))
    deadline = asyncio.get_running_loop().time() + 20
    while 'hx-trigger="every 1s"' in (page := await browser.get(batch_url)).text:
        assert asyncio.get_running_loop().time() < deadline, "the import did not finish"
        await asyncio.sleep(0.1)
    return page


async def test_a_file_is_previewed_with_its_columns_guessed_then_imported(owner, db):
    workspace, browser, csrf = owner
    contacts = await browser.get(f"{base(workspace)}/contacts")
    assert f'href="{base(workspace)}/imports/new?kind=contacts"' in contacts.text
    rows = [HEADERS, ["Иванова", "Мария", "8 916 123-45-67", "maria@example.com"],
            ["Петров", "Пётр", "+7 926 000 11 22", ""]]  # fmt: skip
    uploaded = await _upload(browser, workspace, csrf, csv_bytes(rows, encoding="cp1251",
                                                                 delimiter=";"))  # fmt: skip
    assert uploaded.status_code == 302, uploaded.text
    batch_url = uploaded.headers["location"]
    preview = await browser.get(batch_url)
    assert "Куда идёт каждый столбец" in preview.text
    assert "Иванова" in preview.text and "8 916 123-45-67" in preview.text
    assert re.search(r'name="column_2">.*?value="phone" selected', preview.text, re.S)
    assert 'value="email" selected' in preview.text

    started = await _start(browser, workspace, csrf, batch_url,
                           ["last_name", "first_name", "phone", "email"])  # fmt: skip
    assert started.status_code == 302
    queued = await browser.get(batch_url)
    assert "В очереди" in queued.text and 'hx-trigger="every 1s"' in queued.text
    done = await _imported(db, workspace, browser, batch_url)
    assert "Готово" in done.text and "every 1s" not in done.text
    assert "2 записи создано" in done.text
    listed = await browser.get(f"{base(workspace)}/contacts?q=Иванова")
    assert "Иванова Мария" in listed.text and "+7 916 123-45-67" in listed.text


async def test_progress_shows_while_the_job_runs(owner, db, monkeypatch):
    workspace, browser, csrf = owner
    rows = [HEADERS, *([f"Клиент{n}", "Анна", f"+7 916 000-00-{n:02d}", ""] for n in range(5))]
    uploaded = await _upload(browser, workspace, csrf, csv_bytes(rows))
    batch_url = uploaded.headers["location"]
    await _start(browser, workspace, csrf, batch_url, ["last_name", "first_name", "phone", ""])
    monkeypatch.setattr(import_jobs, "CHUNK_ROWS", 2)
    first_chunk_done, go_on = asyncio.Event(), asyncio.Event()
    importer = import_jobs.IMPORTERS["contacts"]

    async def slow(session, principal, batch, chunk):
        if batch.cursor:  # the second chunk waits, its transaction open, the first committed
            first_chunk_done.set()
            await go_on.wait()
        return await importer(session, principal, batch, chunk)

    monkeypatch.setitem(import_jobs.IMPORTERS, "contacts", slow)
    job = asyncio.create_task(
        import_batch(db, await schema_of(db, workspace), uuid.UUID(batch_url.rsplit("/")[-1]))
    )
    await asyncio.wait_for(first_chunk_done.wait(), 10)
    running = await browser.get(batch_url)
    assert "Идёт загрузка" in running.text
    assert 'hx-trigger="every 1s"' in running.text
    assert '<progress id="import-progress" value="2" max="5">' in running.text
    assert "<strong>2 / 5</strong>" in running.text
    go_on.set()
    await asyncio.wait_for(job, 10)
    done = await browser.get(batch_url)
    assert "<strong>5 / 5</strong>" in done.text and "every 1s" not in done.text


async def test_bad_rows_are_reported_in_russian_with_their_numbers_and_as_csv(owner, db):
    workspace, browser, csrf = owner
    rows = [
        HEADERS,
        ["Иванова", "Мария", "8 916 123-45-67", ""],
        ["Плохой", "Телефон", "12", ""],
        ["", "", "", "not-an-email"],
        ["", "", "", ""],  # an empty line: passed over, but row numbers keep counting
        ["", "", "", ""],
        ["Сидоров", "Олег", "", ""],
    ]
    uploaded = await _upload(browser, workspace, csrf, csv_bytes(rows))
    batch_url = uploaded.headers["location"]
    await _start(browser, workspace, csrf, batch_url, ["last_name", "first_name", "phone", "email"])
    report = await _imported(db, workspace, browser, batch_url)
    assert "2 строки не принято" in report.text and "2 записи создано" in report.text
    rejected = report.text[report.text.index('id="rejected"') :]
    # Each reason beside the row as the file has it (its non-empty cells under their headers).
    assert re.search(
        r"<td>3</td><td><strong>Телефон</strong>: 12 — [^<]+</td><td><dl class=\"file-row\">"
        r"<div><dt>Фамилия</dt><dd>Плохой</dd></div><div><dt>Имя</dt><dd>Телефон</dd></div>"
        r"<div><dt>Телефон</dt><dd>12</dd></div></dl></td>",
        rejected,
    ), rejected
    assert re.search(
        r"<td>4</td><td><strong>Эл. почта</strong>: not-an-email[^<]+</td><td>"
        r"<dl class=\"file-row\"><div><dt>Эл. почта</dt><dd>not-an-email</dd></div></dl>",
        rejected,
    )
    download = await browser.get(f"{batch_url}/rejected.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.content.startswith(b"\xef\xbb\xbf")
    lines = download.content.decode("utf-8-sig").splitlines()
    # The file's columns follow, so the rows can be mended there and imported again.
    assert lines[0] == "Строка;Столбец;Причина;Фамилия;Имя;Телефон;Эл. почта"
    assert lines[1].startswith("3;Телефон;12 — ") and lines[1].endswith(";Плохой;Телефон;12;")
    assert lines[2].startswith("4;Эл. почта;") and lines[2].endswith(";;;;not-an-email")


async def test_rows_skipped_as_duplicates_are_listed_with_what_they_repeat(
    owner,
    db,
    client,
    join,  # noqa: F811
    sign_in,  # noqa: F811
):
    workspace, browser, csrf = owner
    headers = workspace["headers"]
    mine = await client.post(
        "/api/v1/contacts",
        json={
            "first_name": "Вера",
            "last_name": "Старая",
            "phones": [{"number": "+7 916 111-11-11"}],
        },
        headers=headers,
    )
    # A contact the employee may not see: its row is skipped all the same, but not named.
    hidden = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Тайная", "emails": [{"address": "secret@example.com"}]},
        headers=headers,
    )
    assert hidden.status_code == 201
    rows = [
        HEADERS,
        ["Верина", "Вера", "+7 916 111-11-11", ""],
        ["Новая", "Анна", "+7 916 222-22-22", ""],
        ["Новая", "Аня", "+7 916 222-22-22", ""],
        ["Скрытая", "Ольга", "", "secret@example.com"],
    ]
    employee = await join(workspace, "employee")
    await client.patch(  # Вера is given to the employee; Тайная stays the owner's
        f"/api/v1/contacts/{mine.json()['id']}",
        json={"owner_id": employee["user_id"]},
        headers=headers,
    )
    as_employee = await sign_in(employee["email"])
    employee_csrf = as_employee.headers.pop("X-CSRF-Token")
    as_employee.cookies.set("atrium_lang", "ru")
    uploaded = await _upload(as_employee, workspace, employee_csrf, csv_bytes(rows))
    batch_url = uploaded.headers["location"]
    await _start(as_employee, workspace, employee_csrf, batch_url,
                 ["last_name", "first_name", "phone", "email"])  # fmt: skip

    report = await _imported(db, workspace, as_employee, batch_url)
    assert "3 строки пропущено как дубли" in report.text
    skipped = report.text[report.text.index('id="skipped"') :]
    assert "Строки, пропущенные как дубли" in skipped
    contact_link = f'<a href="{base(workspace)}/contacts/{mine.json()["id"]}">Старая Вера</a>'
    first = rf'<td>2</td>\s*<td>{re.escape(contact_link)}</td>\s*<td><dl class="file-row">'
    assert re.search(first + "<div><dt>Фамилия</dt><dd>Верина</dd>", skipped), skipped
    assert re.search(r"<td>4</td>\s*<td>То же, что строка 3 этого файла</td>", skipped)
    assert re.search(r"<td>5</td>\s*<td>Запись, к которой у вас нет доступа</td>", skipped)
    assert "Тайная" not in report.text and hidden.json()["id"] not in report.text

    as_employee.headers.update({"X-CSRF-Token": employee_csrf, "X-Workspace": base(workspace)[3:]})
    listed = await as_employee.get(f"/api/v1/imports/{batch_url.rsplit('/')[-1]}/skipped-rows")
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(row["row"], row["record_id"], row["same_as_row"]) for row in items] == [
        (2, mine.json()["id"], None), (4, None, 3), (5, None, None)
    ]  # fmt: skip
    assert items[0]["cells"] == ["Верина", "Вера", "+7 916 111-11-11", ""]


async def test_undo_deletes_what_the_import_created_and_puts_back_what_it_updated(
    owner, db, client
):
    workspace, browser, csrf = owner
    kept = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Вера", "phones": [{"number": "+7 916 111-11-11"}]},
        headers=workspace["headers"],
    )
    rows = [HEADERS, ["Новая", "Анна", "+7 916 222-22-22", ""],
            ["Верина", "Вера", "+7 916 111-11-11", "vera@example.com"]]  # fmt: skip
    uploaded = await _upload(browser, workspace, csrf, csv_bytes(rows))
    batch_url = uploaded.headers["location"]
    await _start(browser, workspace, csrf, batch_url,
                 ["last_name", "first_name", "phone", "email"], rule="update")  # fmt: skip
    done = await _imported(db, workspace, browser, batch_url)
    assert "возвращает прежние значения в записях, которые она обновила" in done.text
    by_hand = await client.post(
        "/api/v1/contacts", json={"first_name": "Добавлен вручную"}, headers=workspace["headers"]
    )
    undone = await browser.post(f"{batch_url}/undo", data={"csrf_token": csrf})
    assert undone.status_code == 302
    said = (await browser.get(undone.headers["location"])).text
    assert "Удалена 1 запись. В 1 записи вернулись прежние значения." in said
    listed = await client.get("/api/v1/contacts", headers=workspace["headers"])
    names = {card["display_name"] for card in listed.json()["items"]}
    assert names == {"Вера", "Добавлен вручную"}  # the updated card as it was before
    vera = await client.get(f"/api/v1/contacts/{kept.json()['id']}", headers=workspace["headers"])
    assert vera.json()["emails"] == []
    shown = await browser.get(batch_url)
    assert "В 1 записи, обновлённой этой загрузкой, вернулись прежние значения." in shown.text
    assert by_hand.status_code == 201
    again = await browser.post(f"{batch_url}/undo", data={"csrf_token": csrf})
    assert "уже отменена" in (await browser.get(again.headers["location"])).text


async def test_a_file_over_the_limit_gets_a_clear_message(owner):
    workspace, browser, csrf = owner
    too_big = b"a;b\r\n" + b"x;y\r\n" * (21 * 1024 * 1024 // 5)
    answer = await _upload(browser, workspace, csrf, too_big)
    assert answer.status_code == 413
    assert "Файл больше 20 МБ" in answer.text
    empty = await _upload(browser, workspace, csrf, b"")
    assert empty.status_code == 422 and "Файл пустой" in empty.text
    old_excel = await _upload(browser, workspace, csrf, b"\xd0\xcf\x11\xe0rest", name="a.xls")
    assert old_excel.status_code == 422 and "старый формат Excel" in old_excel.text


async def test_exports_follow_the_list_filters(owner, client):
    workspace, browser, csrf = owner
    for name, tags in (("Анна", ["vip"]), ("Борис", []), ("Вера", ["vip"])):
        await client.post(
            "/api/v1/contacts",
            json={"first_name": name, "tags": tags},
            headers=workspace["headers"],
        )
    listed = await browser.get(f"{base(workspace)}/contacts?tag=vip")
    assert f"{base(workspace)}/exports/contacts.csv?q=&amp;tag=vip" in listed.text
    exported = await browser.get(
        f"{base(workspace)}/exports/contacts.csv?tag=vip&sort=display_name"
    )
    assert exported.status_code == 200
    assert exported.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in exported.headers["content-disposition"]
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Фамилия;Имя;Отчество;Телефон;Эл. почта")
    assert [line.split(";")[1] for line in lines[1:]] == ["Анна", "Вера"]
    workbook = await browser.get(f"{base(workspace)}/exports/contacts.xlsx?tag=vip")
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ("Фамилия", "Имя")
    assert sorted(row[1] for row in values[1:]) == ["Анна", "Вера"]
    bad = await browser.get(f"{base(workspace)}/exports/contacts.csv?sort=nonsense")
    assert bad.status_code == 422
    assert (await browser.get(f"{base(workspace)}/exports/people.csv")).status_code == 404


async def test_another_workspaces_imports_and_exports_are_not_found(owner, make_workspace, client):
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Import Salon")
    rows = [HEADERS, ["Чужая", "Анна", "+7 916 333-33-33", ""]]
    uploaded = await _upload(browser, workspace, csrf, csv_bytes(rows))
    batch_id = uploaded.headers["location"].rsplit("/")[-1]
    other_base = base(other)
    for path in (f"{other_base}/imports/{batch_id}", f"{other_base}/exports/contacts.csv",
                 f"{other_base}/imports"):  # fmt: skip
        assert (await browser.get(path)).status_code == 404
    for method, path in (("GET", ""), ("GET", "/rejected-rows"), ("POST", "/undo"),
                         ("POST", "/resume")):  # fmt: skip
        answer = await client.request(
            method, f"/api/v1/imports/{batch_id}{path}", headers=other["headers"]
        )
        assert answer.status_code == 404, (path, answer.text)
    start = await client.post(
        f"/api/v1/imports/{batch_id}/start", json={}, headers=other["headers"]
    )
    assert start.status_code == 404
    theirs = await upload(client, other, csv_bytes(rows))
    their_batch = theirs.json()["id"]
    assert (await browser.get(f"{base(workspace)}/imports/{their_batch}")).status_code == 404
    mine = await client.get("/api/v1/imports", headers=workspace["headers"])
    assert their_batch not in {batch["id"] for batch in mine.json()["items"]}


async def test_companies_deals_and_products_export_with_their_filters(owner, client):
    workspace, browser, csrf = owner
    headers = workspace["headers"]
    for name in ("Ромашка", "Лютик"):
        await client.post("/api/v1/companies", json={"name": name}, headers=headers)
    companies = await browser.get(f"{base(workspace)}/exports/companies.csv?q=ромаш")
    lines = companies.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Название;") and [line.split(";")[0] for line in lines[1:]] == [
        "Ромашка"
    ]
    pipeline = (await client.get("/api/v1/pipelines", headers=headers)).json()["items"][0]
    for title in ("Открытая", "Выигранная"):
        deal = await client.post(
            "/api/v1/deals",
            json={"title": title, "pipeline_id": pipeline["id"], "amount": "1500.50"},
            headers=headers,
        )
        assert deal.status_code == 201, deal.text
    won = next(stage for stage in pipeline["stages"] if stage["kind"] == "won")
    await client.post(
        f"/api/v1/deals/{deal.json()['id']}/move", json={"stage_id": won["id"]}, headers=headers
    )
    board = await browser.get(f"{base(workspace)}/deals?view=table&status=open")
    assert f"exports/deals.xlsx?pipeline={pipeline['id']}&amp;status=open" in board.text
    opened = await browser.get(
        f"{base(workspace)}/exports/deals.xlsx?pipeline={pipeline['id']}&status=open"
    )
    sheet = load_workbook(io.BytesIO(opened.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Название", "Сумма", "Валюта")
    assert [(row[0], float(row[1])) for row in rows[1:]] == [("Открытая", 1500.5)]
    await client.post(
        "/api/v1/products", json={"sku": "=A1", "name": "Шампунь", "price": "450"}, headers=headers
    )
    products = await browser.get(f"{base(workspace)}/exports/products.csv")
    assert products.content.decode("utf-8-sig").splitlines()[1].startswith("'=A1;Шампунь;")


def test_every_import_field_and_export_column_has_russian():
    from atrium.platform.crm.exports.service import EXPORT_TITLES, EXPORT_WORDS
    from atrium.platform.crm.imports.fields import FIELDS
    from atrium.platform.crm.imports.pages import KIND_TITLES
    from atrium.web.pages.i18n import plain_text

    titles = {title for kind_titles in EXPORT_TITLES.values() for title in kind_titles}
    titles |= {word for words in EXPORT_WORDS.values() for word in words.values()}
    labels = {field.label for fields in FIELDS.values() for field in fields}
    missing = {text for text in titles | labels | set(KIND_TITLES.values())
               if plain_text("ru", text) == text}  # fmt: skip
    assert not missing
