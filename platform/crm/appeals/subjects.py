"""The subjects a workspace offers when an appeal is registered: the trade's own to start with
(Pack.appeal_subjects, or the general CRM's), then whatever the workspace adds, renames, orders
or deletes. An appeal keeps its subject as text, so the list never rewrites the register."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.appeals.models import AppealSubject
from atrium.platform.db.names import by_name
from atrium.platform.db.savepoints import unique_or
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.packs import DefaultName, registered_packs

NAME_LIMIT = 300  # the appeal's own subject holds as much
GENERAL_SUBJECTS: list[DefaultName] = [
    ("A product or service question", "Вопрос о товаре или услуге"),
    ("Prices and terms", "Цены и условия"),
    ("Order", "Заказ"),
    ("Delivery", "Доставка"),
    ("Payment and documents", "Оплата и документы"),
    ("Quality complaint", "Претензия к качеству"),
    ("Return or exchange", "Возврат или обмен"),
    ("Partnership", "Сотрудничество"),
]


def default_subjects(vertical: str, locale: str) -> list[str]:
    """The subjects a workspace of this trade starts with, in its language."""
    pack = registered_packs().get(vertical)
    names = (pack.appeal_subjects if pack else None) or GENERAL_SUBJECTS
    return [ru if locale == "ru" else en for en, ru in names]


async def seed_appeal_subjects(session: AsyncSession, vertical: str, locale: str) -> None:
    """Add the trade's subjects after the workspace's own; one it has already is left alone."""
    present = await list_subjects(session)
    taken = {subject.name.lower() for subject in present}
    position = len(present)
    for name in default_subjects(vertical, locale):
        if name.lower() not in taken:
            session.add(AppealSubject(name=name, position=position))
            taken.add(name.lower())
            position += 1
    await session.flush()


async def list_subjects(session: AsyncSession) -> list[AppealSubject]:
    query = select(AppealSubject).order_by(AppealSubject.position, *by_name(AppealSubject.name))
    return list(await session.scalars(query))


def _clean(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_LIMIT:
        raise Invalid("A subject needs 1 to %(max)d characters.", field="name", max=NAME_LIMIT)
    return name


async def _named(session: AsyncSession, subject: AppealSubject, name: str) -> AppealSubject:
    """The subject saved under ``name``, or a 409 if the list has it."""
    name = _clean(name)
    taken = Conflict("The subject “%(name)s” is in the list already.", field="name", name=name)
    async with unique_or(session, taken):
        subject.name = name
        session.add(subject)
    return subject


async def add_subject(session: AsyncSession, name: str) -> AppealSubject:
    """A new subject goes to the end of the list."""
    last = await session.scalar(select(func.max(AppealSubject.position)))
    return await _named(session, AppealSubject(position=(last or 0) + 1), name)


async def get_subject(session: AsyncSession, subject_id: uuid.UUID) -> AppealSubject:
    subject = await session.get(AppealSubject, subject_id)
    if subject is None:
        raise NotFound("No such appeal subject.")
    return subject


async def rename_subject(session: AsyncSession, subject_id: uuid.UUID, name: str) -> AppealSubject:
    return await _named(session, await get_subject(session, subject_id), name)


async def move_subject(session: AsyncSession, subject_id: uuid.UUID, step: int) -> None:
    """One place up (step -1) or down (+1); the ends stay where they are."""
    subjects = await list_subjects(session)
    subject = await get_subject(session, subject_id)
    index = subjects.index(subject)
    target = index + step
    if 0 <= target < len(subjects):
        subjects[index], subjects[target] = subjects[target], subjects[index]
    for position, each in enumerate(subjects):
        each.position = position
    await session.flush()


async def delete_subject(session: AsyncSession, subject_id: uuid.UUID) -> None:
    await session.delete(await get_subject(session, subject_id))
    await session.flush()
