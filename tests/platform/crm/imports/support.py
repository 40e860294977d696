"""Helpers of the import tests: files as Excel and CRMs write them, the upload through the
API, and the job run to its end."""

import io

from openpyxl import Workbook
from sqlalchemy import select

from atrium.platform.crm.imports.tasks import import_batch
from atrium.platform.tenancy.models import Tenant


def csv_bytes(rows: list[list[str]], *, encoding="utf-8", delimiter=",", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def schema_of(db, workspace: dict):
    async with db.shared_transaction() as session:
        tenant = await session.scalar(
            select(Tenant).where(Tenant.slug == workspace["tenant"]["slug"])
        )
    return tenant.schema


async def upload(client, workspace, content: bytes, name="clients.csv", **fields):
    """POST /api/v1/imports; the answer."""
    form = {
        "kind": "contacts",
        **{k: str(v).lower() if isinstance(v, bool) else v for k, v in fields.items()},
    }
    return await client.post(
        "/api/v1/imports",
        files={"file": (name, content, "application/octet-stream")},
        data=form,
        headers=workspace["headers"],
    )


async def imported(client, db, workspace, content: bytes, name="clients.csv", **fields) -> dict:
    """Upload, start with the guessed mapping, run the job to its end; the batch as the API
    shows it then."""
    answer = await upload(client, workspace, content, name, start=True, **fields)
    assert answer.status_code == 201, answer.text
    batch = answer.json()
    await import_batch(db, await schema_of(db, workspace), __import__("uuid").UUID(batch["id"]))
    shown = await client.get(f"/api/v1/imports/{batch['id']}", headers=workspace["headers"])
    return shown.json()
