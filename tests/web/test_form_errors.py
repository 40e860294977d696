"""Forms explain themselves: every error of a submit beside its field at once, named by the
field's label in the user's language, the typed text kept, inputs carrying the real limit as
``maxlength``, and errors never shown as a success."""

import re
from html import unescape

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401

LONG = "x" * 10_000


def described_error(html: str, name: str) -> str:
    """The message an input points at (aria-describedby), checking the input is marked invalid."""
    tags = re.findall(rf"<(?:input|textarea|select)[^>]*\bname=\"{re.escape(name)}\"[^>]*>", html)
    invalid = [tag for tag in tags if 'aria-invalid="true"' in tag]
    assert invalid, f"no input {name} marked invalid: {[tag[:200] for tag in tags]}"
    target = re.search(r'aria-describedby="([^"]+)"', invalid[0])[1]
    message = re.search(rf'<div class="field-error" id="{re.escape(target)}">([^<]*)</div>', html)
    assert message, f"no message {target}"
    return unescape(message[1])


def maxlength_of(html: str, name: str) -> int | None:
    tag = re.search(rf"<(?:input|textarea)[^>]*\bname=\"{re.escape(name)}\"[^>]*>", html)
    assert tag, f"no input {name}"
    found = re.search(r'maxlength="(\d+)"', tag[0])
    return int(found[1]) if found else None


async def test_a_task_with_a_long_title_and_a_bad_time_shows_both_errors_and_keeps_the_text(
    owner,  # noqa: F811
):
    workspace, browser, csrf = owner
    tasks = f"{base(workspace)}/tasks"
    assert maxlength_of((await browser.get(tasks)).text, "title") == 300  # the column's length
    back = f"{tasks}?view=upcoming&who=all"
    for lang, title_error, time_error in (
        ("en", "“New task” holds at most 300 characters; this has 10000.",
         "Enter a date and time."),
        ("ru", "В поле «Новая задача» — не больше 300 символов, а введено 10000.",
         "Укажите дату и время."),
    ):  # fmt: skip
        refused = await browser.post(
            f"{tasks}?lang={lang}",
            data={"csrf_token": csrf, "title": LONG, "due_at": "tomorrow", "back": back},
        )
        assert refused.status_code == 422
        assert described_error(refused.text, "title") == title_error
        assert described_error(refused.text, "due_at") == time_error
        assert f'value="{LONG}"' in refused.text and 'value="tomorrow"' in refused.text
        assert 'class="notice' not in refused.text  # never a green banner
        assert 'href="?view=upcoming&who=all" aria-current="page"' in refused.text  # same view
    empty = await browser.post(
        f"{tasks}?lang=en", data={"csrf_token": csrf, "title": "  ", "back": back}
    )
    assert empty.status_code == 422
    assert "Fill in “New task”." in described_error(empty.text, "title")
    listed = await browser.get(f"{tasks}?view=upcoming&who=all&lang=en")
    assert "x" * 300 not in listed.text  # nothing was written


async def test_a_contact_form_shows_every_error_beside_its_field_by_label(owner):  # noqa: F811
    workspace, browser, csrf = owner
    contacts = f"{base(workspace)}/contacts"
    form = (await browser.get(f"{contacts}/new")).text
    limits = {name: maxlength_of(form, name) for name in ("first_name", "phone", "email", "notes")}
    assert limits == {"first_name": 100, "phone": 40, "email": 320, "notes": 20000}
    typed = {"first_name": "Ольга" * 21, "last_name": "Смирнова" * 13, "notes": LONG * 3}
    refused = await browser.post(f"{contacts}?lang=ru", data={"csrf_token": csrf, **typed})
    assert refused.status_code == 422
    assert described_error(refused.text, "first_name") == (
        "В поле «Имя» — не больше 100 символов, а введено 105."
    )
    assert described_error(refused.text, "last_name").startswith("В поле «Фамилия» — не больше 100")
    assert described_error(refused.text, "notes").startswith("В поле «Заметки» — не больше 20000")
    assert "first_name" not in refused.text.split('id="first_name-error"')[1].split("</div>")[0]
    assert typed["first_name"] in refused.text and typed["last_name"] in refused.text
    assert "Исправьте отмеченные ниже поля." in refused.text
    # A refusal of the service itself (a phone that is none) is beside its field too.
    bad_phone = await browser.post(
        f"{contacts}?lang=en", data={"csrf_token": csrf, "first_name": "Olga", "phone": "abc"}
    )
    assert bad_phone.status_code == 422
    assert described_error(bad_phone.text, "phone") == "abc is not a phone number."
    assert 'value="Olga"' in bad_phone.text


async def test_a_company_form_shows_every_error_at_once_and_keeps_the_input(owner):  # noqa: F811
    workspace, browser, csrf = owner
    companies = f"{base(workspace)}/companies"
    form = (await browser.get(f"{companies}/new")).text
    assert (maxlength_of(form, "name"), maxlength_of(form, "tax_id")) == (300, 40)
    assert maxlength_of(form, "notes") == 20000
    typed = {"name": "", "tax_id": "7" * 41, "website": "w" * 301, "legal_name": "ООО Ромашка"}
    refused = await browser.post(f"{companies}?lang=en", data={"csrf_token": csrf, **typed})
    assert refused.status_code == 422
    assert described_error(refused.text, "name") == "Fill in “Name”."
    assert described_error(refused.text, "tax_id") == (
        "“Tax id” holds at most 40 characters; this has 41."
    )
    assert described_error(refused.text, "website").startswith("“Website” holds at most 300")
    assert 'value="ООО Ромашка"' in refused.text and typed["tax_id"] in refused.text
    # The service's own refusal names the field by its label, not "phone" or "email".
    bad = await browser.post(
        f"{companies}?lang=ru",
        data={"csrf_token": csrf, "name": "Ромашка", "email": "not-an-address"},
    )
    assert bad.status_code == 422
    assert "not-an-address" in described_error(bad.text, "email")


async def test_a_deal_form_shows_every_error_at_once_by_label(owner):  # noqa: F811
    workspace, browser, csrf = owner
    deals = f"{base(workspace)}/deals"
    form = (await browser.get(f"{deals}/new")).text
    assert (maxlength_of(form, "title"), maxlength_of(form, "notes")) == (300, 20000)
    typed = {"title": "", "amount": "много", "notes": "Позвонить после обеда"}
    refused = await browser.post(f"{deals}?lang=ru", data={"csrf_token": csrf, **typed})
    assert refused.status_code == 422
    assert described_error(refused.text, "title") == "Заполните поле «Название»."
    assert described_error(refused.text, "amount").startswith("Введите число")
    assert "Позвонить после обеда</textarea>" in refused.text and 'value="много"' in refused.text


async def test_a_lead_form_shows_every_error_at_once_by_label(owner):  # noqa: F811
    workspace, browser, csrf = owner
    leads = f"{base(workspace)}/leads"
    inbox = (await browser.get(leads)).text
    assert (maxlength_of(inbox, "name"), maxlength_of(inbox, "message")) == (300, 5000)
    typed = {"source": "manual", "name": "Н" * 301, "message": "М" * 5001, "phone": "8 916"}
    refused = await browser.post(f"{leads}?lang=en", data={"csrf_token": csrf, **typed})
    assert refused.status_code == 422
    assert described_error(refused.text, "name") == (
        "“Customer's name” holds at most 300 characters; this has 301."
    )
    assert described_error(refused.text, "message").startswith("“What they asked for” holds")
    assert typed["name"] in refused.text and typed["message"] in refused.text
    assert 'value="8 916"' in refused.text


async def test_an_appeal_form_shows_every_error_at_once_by_label(owner):  # noqa: F811
    workspace, browser, csrf = owner
    appeals = f"{base(workspace)}/appeals"
    register = (await browser.get(appeals)).text
    assert (maxlength_of(register, "subject"), maxlength_of(register, "summary")) == (300, 5000)
    typed = {"kind": "complaint", "channel": "phone", "received_at": "вчера",
             "subject": "С" * 301, "summary": "Холодный кофе", "result": "Р" * 5001}  # fmt: skip
    refused = await browser.post(f"{appeals}?lang=ru", data={"csrf_token": csrf, **typed})
    assert refused.status_code == 422
    assert described_error(refused.text, "subject").startswith("В поле «Тема» — не больше 300")
    assert described_error(refused.text, "result").startswith("В поле «Результат» — не больше")
    assert described_error(refused.text, "received_at")  # the time too, in the same answer
    assert "Холодный кофе</textarea>" in refused.text and 'value="вчера"' in refused.text


async def test_a_campaign_with_a_too_long_subject_is_refused_beside_it_not_a_500(
    owner,  # noqa: F811
):
    workspace, browser, csrf = owner
    segment = {"csrf_token": csrf, "name": "Everyone", "field": ["tag", ""], "op": ["has", "is"],
               "value": ["vip", ""]}  # fmt: skip
    saved = await browser.post(f"{base(workspace)}/segments", data=segment)
    segment_id = saved.headers["location"].split("/segments/")[1].split("?")[0]
    form = (await browser.get(f"{base(workspace)}/campaigns/new")).text
    assert (maxlength_of(form, "subject"), maxlength_of(form, "body")) == (300, 20000)
    refused = await browser.post(
        f"{base(workspace)}/campaigns?lang=en",
        data={"csrf_token": csrf, "name": "Spring", "channel": "email", "segment_id": segment_id,
              "subject": "S" * 301, "body": "Hello, {{ first_name }}"},
    )  # fmt: skip
    assert refused.status_code == 422, refused.status_code
    assert described_error(refused.text, "subject") == "A subject holds at most 300 characters."
    assert "Hello, {{ first_name }}</textarea>" in refused.text


async def test_a_custom_field_form_names_its_fields_by_label_not_by_key(owner):  # noqa: F811
    workspace, browser, csrf = owner
    fields = f"{base(workspace)}/settings/fields"
    page = (await browser.get(fields)).text
    assert (maxlength_of(page, "label"), maxlength_of(page, "key")) == (100, 60)
    form = {"csrf_token": csrf, "object_type": "contact", "field_type": "text"}
    both = await browser.post(
        f"{fields}?lang=ru", data={**form, "label": "Л" * 101, "key": "k" * 61}
    )
    assert both.status_code == 422
    assert described_error(both.text, "label").startswith("В поле «Название поля» — не больше")
    assert described_error(both.text, "key").startswith("В поле «Ключ» — не больше 60")
    bad_key = await browser.post(
        f"{fields}?lang=ru", data={**form, "label": "Любимый мастер", "key": "Мастер"}
    )
    assert bad_key.status_code == 422
    assert described_error(bad_key.text, "key") == (
        "Ключ — строчные латинские буквы, цифры и _ (в начале — буква)."
    )


async def test_a_refused_note_on_a_card_keeps_its_text_beside_the_message(owner):  # noqa: F811
    workspace, browser, csrf = owner
    contacts = f"{base(workspace)}/contacts"
    created = await browser.post(contacts, data={"csrf_token": csrf, "first_name": "Olga"})
    card = created.headers["location"]
    assert maxlength_of((await browser.get(card)).text, "body") == 20000
    typed = "Позвонить " * 2000 + "!"
    refused = await browser.post(f"{card}/notes?lang=ru", data={"csrf_token": csrf, "body": typed})
    assert refused.status_code == 422
    assert described_error(refused.text, "body") == "Заметка — от 1 до 20000 символов."
    assert typed in refused.text and 'class="notice' not in refused.text
