"""Reading an uploaded table: CSV in whatever encoding and delimiter Excel or a CRM wrote it
(UTF-8 with or without BOM, cp1251 from Russian Excel; ``;``, ``,`` or tab), or .xlsx.

Rows come as lists of strings, numbered as the spreadsheet numbers them (the header is row 1);
empty rows are passed over but keep their numbers.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

import charset_normalizer
from openpyxl import load_workbook

from atrium.platform.errors import DomainError, Invalid

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_BODY = MAX_FILE_BYTES + 64 * 1024  # the file and the few other fields of a form
MAX_COLUMNS = 200
PREVIEW_ROWS = 5
COUNTED_ROWS = 10_000
DELIMITERS = ";,\t|"
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format
_SNIFF_CHARS = 64 * 1024


class FileTooLarge(DomainError):
    status = 413
    title = "File too large"


@dataclass(frozen=True)
class TableShape:
    file_format: str  # csv or xlsx
    encoding: str
    delimiter: str
    headers: list[str]
    preview: list[list[str]]
    total_rows: int


def read_shape(content: bytes, file_name: str) -> TableShape:
    """What the file holds: its format, headers, first rows and how many data rows."""
    if len(content) > MAX_FILE_BYTES:
        raise FileTooLarge(
            "The file is larger than %(max)d MB; split it into smaller files.",
            field="file",
            max=MAX_FILE_BYTES // (1024 * 1024),
        )
    if not content.strip():
        raise Invalid("The file is empty.", field="file")
    if content.startswith(_XLS_MAGIC) or file_name.lower().endswith(".xls"):
        raise Invalid(
            "This is the old Excel format (.xls); save it as .xlsx or CSV and upload again.",
            field="file",
        )
    if content.startswith(_XLSX_MAGIC):
        file_format, encoding, delimiter = "xlsx", "", ""
    else:
        file_format = "csv"
        encoding = detect_encoding(content)
        delimiter = detect_delimiter(_text(content, encoding)[:_SNIFF_CHARS])
    rows = table_rows(content, file_format, encoding, delimiter)
    try:
        _, headers = next(rows)
    except StopIteration:
        raise Invalid("The file is empty.", field="file") from None
    if len(headers) > MAX_COLUMNS:
        raise Invalid("The file has more than %(max)d columns.", field="file", max=MAX_COLUMNS)
    headers = [header.strip() for header in headers]
    preview, total = [], 0
    # Past the first rows a big spreadsheet's own count is taken (reading every row takes
    # seconds per 100,000); it may include empty rows at the end: the job corrects it.
    known = _xlsx_row_count(content) if file_format == "xlsx" else None
    for _, cells in rows:
        if len(preview) < PREVIEW_ROWS:
            preview.append(cells[: len(headers)] + [""] * (len(headers) - len(cells)))
        total += 1
        if known is not None and total == COUNTED_ROWS:
            total = max(total, known - 1)
            break
    return TableShape(file_format, encoding, delimiter, headers, preview, total)


def detect_encoding(content: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when it decodes, else charset-normalizer's best guess."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(content[:200_000]).best()
    if best is None:
        raise Invalid(
            "The file is not text we can read; save it as CSV (UTF-8) or .xlsx.", field="file"
        )
    return best.encoding


def detect_delimiter(sample: str) -> str:
    """csv.Sniffer's choice when the header and first rows agree on it, else the candidate
    that splits them into the same number (more than one) of columns most often."""
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end mid-line
    text = "\n".join(lines)
    try:
        sniffed = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    scores = {}
    for candidate in DELIMITERS:
        widths = [len(row) for row in csv.reader(io.StringIO(text), delimiter=candidate) if row]
        if not widths or widths[0] < 2:
            continue
        scores[candidate] = (sum(width == widths[0] for width in widths), widths[0])
    if sniffed in scores and scores[sniffed][0] == max(score[0] for score in scores.values()):
        return sniffed
    if scores:
        return max(scores, key=lambda candidate: scores[candidate])
    return ","  # one column: any delimiter reads it


def _text(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise Invalid(
            "The file is not text we can read; save it as CSV (UTF-8) or .xlsx.", field="file"
        ) from None


def table_rows(
    content: bytes, file_format: str, encoding: str, delimiter: str
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every non-empty row, the header first."""
    rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content, encoding, delimiter)
    for number, cells in enumerate(rows, start=1):
        if any(cell.strip() for cell in cells):
            yield number, cells


def data_rows(
    content: bytes, file_format: str, encoding: str, delimiter: str, *, skip: int = 0
) -> Iterator[tuple[int, list[str]]]:
    """The data rows after the header, from the ``skip``-th on."""
    rows = table_rows(content, file_format, encoding, delimiter)
    next(rows, None)
    for index, row in enumerate(rows):
        if index >= skip:
            yield row


def _csv_rows(content: bytes, encoding: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(_text(content, encoding), newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield [cell.replace("\x00", "") for cell in row]  # PostgreSQL text takes no NUL
    except csv.Error as error:
        raise Invalid(
            "Line %(line)d of the file cannot be read: %(reason)s.",
            field="file",
            line=reader.line_num,
            reason=str(error),
        ) from None


def _unreadable_spreadsheet() -> Invalid:
    return Invalid(
        "The file is not a spreadsheet we can read; save it as .xlsx or CSV.", field="file"
    )


def _workbook(content: bytes):
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip fails in many ways, all meaning the same
        raise _unreadable_spreadsheet() from None


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    workbook = _workbook(content)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in values]
    except Invalid:
        raise
    except Exception:
        raise _unreadable_spreadsheet() from None
    finally:
        workbook.close()


def _xlsx_row_count(content: bytes) -> int | None:
    """The first sheet's row count as its dimension records it (None when it does not)."""
    workbook = _workbook(content)
    try:
        sheet = workbook.worksheets[0]
        return sheet.max_row if sheet.max_row and sheet.max_row > 1 else None
    except Exception:
        raise _unreadable_spreadsheet() from None
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person sees: 79161234567 not 79161234567.0, dates
    as 1990-03-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\x00", "")
