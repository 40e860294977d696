"""Reading uploaded tables: the encodings and delimiters Excel and CRMs write, .xlsx cells as a
person sees them, and headers in Russian or English mapped to fields."""

from datetime import date, datetime

import pytest

from atrium.platform.crm.imports.fields import guess_mapping, parse_money
from atrium.platform.crm.imports.files import FileTooLarge, data_rows, read_shape
from atrium.platform.errors import Invalid
from tests.platform.crm.imports.support import csv_bytes, xlsx_bytes

ROWS = [["Имя", "Телефон", "Комментарий"], ["Ёжик", "8 916 123-45-67", "любит «чай», с сахаром"]]


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter", "found"),
    [
        ("cp1251", False, ";", "cp1251"),
        ("utf-8", True, ",", "utf-8-sig"),
        ("utf-8", False, "\t", "utf-8"),
        ("utf-8", False, ";", "utf-8"),
    ],
)
def test_encoding_and_delimiter_are_found(encoding, bom, delimiter, found):
    rows = [[f'"{cell}"' if "," in cell else cell for cell in row] for row in ROWS]
    content = csv_bytes(rows, encoding=encoding, delimiter=delimiter, bom=bom)
    shape = read_shape(content, "clients.csv")
    assert (shape.file_format, shape.encoding, shape.delimiter) == ("csv", found, delimiter)
    assert shape.headers == ROWS[0]
    assert shape.preview == [ROWS[1]]
    assert shape.total_rows == 1


def test_xlsx_cells_read_as_people_see_them():
    content = xlsx_bytes(
        [
            ["Фамилия", "Телефон", "Дата рождения", "Сумма"],
            ["Иванова", 79161234567, datetime(1990, 3, 5), 1234.5],
            [None, None, None, None],
            ["Петров", "8 926 000-11-22", date(2001, 12, 31), 10],
        ]
    )
    shape = read_shape(content, "clients.xlsx")
    assert (shape.file_format, shape.total_rows) == ("xlsx", 2)
    rows = list(data_rows(content, "xlsx", "", ""))
    assert rows == [
        (2, ["Иванова", "79161234567", "1990-03-05", "1234.5"]),
        (4, ["Петров", "8 926 000-11-22", "2001-12-31", "10"]),  # the empty row keeps its number
    ]


def test_unreadable_files_are_refused_with_a_reason():
    with pytest.raises(Invalid, match="empty"):
        read_shape(b"  \r\n", "a.csv")
    with pytest.raises(Invalid, match="old Excel format"):
        read_shape(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "a.xls")
    with pytest.raises(Invalid, match="spreadsheet we can read"):
        read_shape(b"PK\x03\x04broken", "a.xlsx")
    with pytest.raises(FileTooLarge) as error:
        read_shape(b"a" * (20 * 1024 * 1024 + 1), "a.csv")
    assert error.value.status == 413


def test_headers_in_russian_and_english_map_to_fields():
    headers = ["Ф.И.О.", "Телефон", "Телефон 2", "E-mail", "Эл. почта", "Дата рождения",
               "Компания", "Любимый цвет", "Пол"]  # fmt: skip
    color = type("Field", (), {"key": "color", "label": "Любимый цвет"})()
    assert guess_mapping("contacts", headers, [color]) == [
        "full_name", "phone", "phone", "email", "email", "birthday", "company", "custom.color",
        "gender",
    ]  # fmt: skip
    assert guess_mapping("products", ["Артикул", "Название", "Цена", "Цена"], []) == [
        "sku", "name", "price", "",
    ]  # fmt: skip
    assert guess_mapping("deals", ["Title", "Amount", "Stage", "Email"], []) == [
        "title", "amount", "stage", "contact",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1 234,50 ₽", "1234.50"), ("1234.5", "1234.50"), ("1,234.50", "1234.50"), ("$10", "10.00")],
)
def test_amounts_as_people_write_them(text, amount):
    assert str(parse_money(text, "price")) == amount
