"""What a column of an imported file can be, guessed from its header in Russian or English, and
how a cell's text becomes a value (dates, amounts, gender, yes/no) the services take."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from atrium.platform.crm.products.service import money
from atrium.platform.errors import Invalid


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str  # English; pages translate it
    headers: tuple[str, ...] = ()  # spellings of the header, compared as header_words() does
    repeatable: bool = False  # several columns may feed it (phones, e-mails, tags)


_NOT_WORD = re.compile(r"[^\w]+")
_NUMBERED = re.compile(r"\s*\d+$")


def header_words(header: str) -> str:
    """A header as it is compared: lower case, ё as е, punctuation gone, a trailing number
    too ("Телефон 2" is a phone)."""
    words = _NOT_WORD.sub(" ", header.lower().replace("ё", "е")).strip()
    return _NUMBERED.sub("", words) or words


def _field(key: str, label: str, *headers: str, repeatable: bool = False) -> ImportField:
    return ImportField(key, label, tuple(header_words(h) for h in headers), repeatable)


FIELDS: dict[str, tuple[ImportField, ...]] = {
    "contacts": (
        _field("full_name", "Full name", "ФИО", "Ф.И.О.", "Full name", "Клиент", "Contact"),
        _field("last_name", "Last name", "Фамилия", "Last name", "Surname", "Family name"),
        _field("first_name", "First name", "Имя", "First name", "Given name", "Name"),
        _field("middle_name", "Middle name", "Отчество", "Middle name", "Patronymic"),
        _field(
            "phone",
            "Phone",
            "Телефон",
            "Тел",
            "Мобильный",
            "Мобильный телефон",
            "Номер телефона",
            "Phone",
            "Mobile",
            "Phone number",
            "Tel",
            repeatable=True,
        ),
        _field(
            "email",
            "E-mail",
            "E-mail",
            "Email",
            "Эл. почта",
            "Электронная почта",
            "Почта",
            "Mail",
            repeatable=True,
        ),
        _field(
            "birthday",
            "Birthday",
            "Дата рождения",
            "День рождения",
            "Birthday",
            "Date of birth",
            "Birth date",
            "DOB",
        ),
        _field("gender", "Gender", "Пол", "Gender", "Sex"),
        _field("address", "Address", "Адрес", "Address"),
        _field("source", "Source", "Источник", "Source"),
        _field(
            "notes", "Notes", "Заметки", "Примечание", "Комментарий", "Notes", "Note", "Comment"
        ),
        _field("tags", "Tags", "Теги", "Метки", "Tags", "Tag", repeatable=True),
        _field("company", "Company", "Компания", "Организация", "Company", "Organization"),
    ),
    "companies": (
        _field(
            "name",
            "Name",
            "Название",
            "Наименование",
            "Компания",
            "Name",
            "Company",
            "Company name",
        ),
        _field(
            "legal_name", "Legal name", "Юридическое название", "Полное наименование", "Legal name"
        ),
        _field("tax_id", "Tax ID", "ИНН", "Tax ID", "VAT", "VAT number"),
        _field("phone", "Phone", "Телефон", "Phone"),
        _field("email", "E-mail", "E-mail", "Email", "Эл. почта", "Электронная почта", "Почта"),
        _field("website", "Website", "Сайт", "Website", "Web", "URL"),
        _field("address", "Address", "Адрес", "Address"),
        _field("notes", "Notes", "Заметки", "Примечание", "Комментарий", "Notes", "Comment"),
        _field("tags", "Tags", "Теги", "Метки", "Tags", repeatable=True),
    ),
    "deals": (
        _field("title", "Title", "Название", "Сделка", "Title", "Deal", "Name"),
        _field("amount", "Amount", "Сумма", "Бюджет", "Amount", "Value", "Sum"),
        _field("pipeline", "Pipeline", "Воронка", "Pipeline"),
        _field("stage", "Stage", "Этап", "Стадия", "Stage"),
        _field(
            "contact",
            "Contact's phone or e-mail",
            "Контакт",
            "Телефон клиента",
            "Телефон",
            "Эл. почта",
            "E-mail",
            "Contact",
            "Phone",
            "Email",
        ),
        _field("company", "Company", "Компания", "Company"),
        _field("notes", "Notes", "Заметки", "Комментарий", "Notes", "Comment"),
    ),
    "products": (
        _field("sku", "SKU", "Артикул", "Код", "SKU", "Code", "Article"),
        _field("name", "Name", "Название", "Наименование", "Товар", "Услуга", "Name", "Product"),
        _field("kind", "Product or service", "Тип", "Вид", "Kind", "Type"),
        _field("unit", "Unit", "Единица", "Ед. изм.", "Единица измерения", "Unit"),
        _field("price", "Price", "Цена", "Стоимость", "Price", "Cost"),
        _field("category", "Category", "Категория", "Группа", "Category", "Group"),
        _field("description", "Description", "Описание", "Description"),
        _field("active", "Active", "Активен", "Активный", "Active"),
    ),
}
# Custom fields of contacts and companies map as "custom.<key>".
CUSTOM_OBJECT = {"contacts": "contact", "companies": "company"}
CUSTOM_PREFIX = "custom."


def field_keys(kind: str, custom_fields: list) -> set[str]:
    return {f.key for f in FIELDS[kind]} | {CUSTOM_PREFIX + c.key for c in custom_fields}


def guess_mapping(kind: str, headers: list[str], custom_fields: list) -> list[str]:
    """A field key for each column ('' to leave it out); a field that takes one column is
    given to the first column that names it."""
    known: dict[str, str] = {}
    for field in FIELDS[kind]:
        for spelling in field.headers:
            known.setdefault(spelling, field.key)
    for custom in custom_fields:
        known.setdefault(header_words(custom.label), CUSTOM_PREFIX + custom.key)
        known.setdefault(header_words(custom.key), CUSTOM_PREFIX + custom.key)
    repeatable = {f.key for f in FIELDS[kind] if f.repeatable}
    mapping, taken = [], set()
    for header in headers:
        key = known.get(header_words(header), "")
        if key and key in taken and key not in repeatable:
            key = ""
        taken.add(key)
        mapping.append(key)
    return mapping


def checked_mapping(kind: str, mapping: list[str], columns: int, custom_fields: list) -> list[str]:
    """The mapping as sent, refused when it names unknown fields or one field twice."""
    if len(mapping) != columns:
        raise Invalid(
            "The mapping needs one entry per column (%(columns)d).",
            field="mapping",
            columns=columns,
        )
    allowed = field_keys(kind, custom_fields)
    repeatable = {f.key for f in FIELDS[kind] if f.repeatable}
    seen = set()
    for index, key in enumerate(mapping):
        if not key:
            continue
        if key not in allowed:
            raise Invalid("There is no field %(key)s to import into.", field="mapping", key=key)
        if key in seen and key not in repeatable:
            raise Invalid(
                "Only one column can go into %(key)s.", field=f"mapping[{index}]", key=key
            )
        seen.add(key)
    if not seen:
        raise Invalid("Choose where at least one column goes.", field="mapping")
    return mapping


def mapped_values(mapping: list[str], cells: list[str]) -> dict[str, list[str]]:
    """The row's non-empty cells by field key (a repeatable field may have several)."""
    values: dict[str, list[str]] = {}
    for key, cell in zip(mapping, cells, strict=False):
        if key and (text := cell.strip()):
            values.setdefault(key, []).append(text)
    return values


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%Y-%m-%d %H:%M:%S")


def parse_date(text: str, field: str) -> date:
    for layout in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), layout).date()
        except ValueError:
            continue
    raise Invalid(
        "%(value)s is not a date; write it as 31.12.1990 or 1990-12-31.",
        field=field,
        value=text[:40],
    )


_MONEY_NOISE = re.compile(r"[\s\u00a0\u202f]|₽|руб\.?|р\.|\$|€|rub|usd|eur", re.IGNORECASE)


def parse_money(text: str, field: str) -> Decimal:
    """1 234,50 ₽ / 1234.50 / 1,234.50 as a Decimal (products.money's rules)."""
    cleaned = _MONEY_NOISE.sub("", text)
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")  # 1,234.50
    else:
        cleaned = cleaned.replace(",", ".")
    return money(cleaned or text, field)


_GENDERS = {
    "female": ("ж", "жен", "женский", "женщина", "f", "female", "woman"),
    "male": ("м", "муж", "мужской", "мужчина", "m", "male", "man"),
    "unknown": ("", "-", "unknown", "не указан"),
}


def parse_gender(text: str) -> str:
    spelled = text.strip().lower().rstrip(".")
    for gender, spellings in _GENDERS.items():
        if spelled in spellings or spelled == gender:
            return gender
    raise Invalid(
        "Gender must be one of: %(choices)s.", field="gender", choices=", ".join(_GENDERS)
    )


_YES = ("yes", "y", "true", "1", "да", "д", "+", "on")
_NO = ("no", "n", "false", "0", "нет", "н", "-", "off")


def parse_yes_no(text: str, field: str, label: str) -> bool:
    spelled = text.strip().lower()
    if spelled in _YES:
        return True
    if spelled in _NO:
        return False
    raise Invalid("%(label)s needs yes or no.", field=field, label=label)


def custom_value(definition, text: str):
    """A cell as the custom field's type (normalize.custom_values checks it again)."""
    field = f"custom.{definition.key}"
    if definition.field_type == "number":
        try:
            return float(_MONEY_NOISE.sub("", text).replace(",", "."))
        except ValueError:
            raise Invalid(
                "%(label)s must be a number.", field=field, label=definition.label
            ) from None
    if definition.field_type == "date":
        return parse_date(text, field).isoformat()
    if definition.field_type == "boolean":
        return parse_yes_no(text, field, definition.label)
    return text


def split_list(values: list[str]) -> list[str]:
    """Phones, e-mails or tags of one or more cells; a cell may list several (, or ;)."""
    return [part.strip() for value in values for part in re.split(r"[;,\n]", value) if part.strip()]
