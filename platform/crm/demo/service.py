"""Demo data: a few weeks of a small business's life, in its language and trade, made through
the same services as real work (so it looks and behaves like it), and cleared in one click.

Every demo record is listed in ``demo_records``; clearing deletes exactly those, and what a
person added meanwhile stays (a deal of theirs on a demo client loses only the client link).
"""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.activities.service import create_activity, update_activity
from atrium.platform.crm.appeals.models import Appeal
from atrium.platform.crm.appeals.service import create_appeal
from atrium.platform.crm.audit.models import AuditEntry
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.companies.service import create_company
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.contacts.service import ContactInput, create_contact
from atrium.platform.crm.deals.models import Deal
from atrium.platform.crm.deals.pipelines import list_pipelines
from atrium.platform.crm.deals.service import create_deal, move_deal, set_deal_lines
from atrium.platform.crm.demo.models import DemoRecord
from atrium.platform.crm.leads.models import Lead
from atrium.platform.crm.leads.service import create_lead
from atrium.platform.crm.products.models import Product
from atrium.platform.crm.products.service import create_product
from atrium.platform.db.types import utcnow
from atrium.platform.packs import registered_packs

PEOPLE = {
    "ru": [
        ("Анна", "Смирнова", "female"), ("Мария", "Иванова", "female"),
        ("Елена", "Кузнецова", "female"), ("Ольга", "Попова", "female"),
        ("Наталья", "Соколова", "female"), ("Ирина", "Лебедева", "female"),
        ("Татьяна", "Козлова", "female"), ("Юлия", "Новикова", "female"),
        ("Дмитрий", "Морозов", "male"), ("Алексей", "Петров", "male"),
        ("Сергей", "Волков", "male"), ("Андрей", "Соловьёв", "male"),
        ("Павел", "Васильев", "male"), ("Игорь", "Зайцев", "male"),
        ("Ксения", "Павлова", "female"), ("Светлана", "Семёнова", "female"),
    ],
    "en": [
        ("Emma", "Johnson", "female"), ("Olivia", "Smith", "female"),
        ("Sophia", "Brown", "female"), ("Mia", "Taylor", "female"),
        ("Grace", "Wilson", "female"), ("Chloe", "Davies", "female"),
        ("Lucy", "Evans", "female"), ("Amelia", "Thomas", "female"),
        ("James", "Roberts", "male"), ("Oliver", "Walker", "male"),
        ("Harry", "Wright", "male"), ("Jack", "Hughes", "male"),
        ("George", "Green", "male"), ("Noah", "Hall", "male"),
        ("Isla", "Wood", "female"), ("Ella", "Clarke", "female"),
    ],
}  # fmt: skip
COMPANIES = {
    "ru": ["ООО «Ромашка»", "ИП Соколов", "АО «Северный ветер»", "ООО «Белый кит»"],
    "en": ["Bluebell Ltd", "Northwind Trading", "Harbour & Co", "Greenleaf Studio"],
}
# What the general CRM sells; a pack's ``demo_offer`` names its trade's.
GENERAL_OFFER = [
    ("Consultation", "Консультация", "service", 3000),
    ("Annual support", "Годовое обслуживание", "service", 36000),
    ("Starter kit", "Стартовый набор", "product", 8000),
]
TASKS = {
    "ru": ["Перезвонить клиенту", "Отправить предложение", "Подтвердить запись",
           "Напомнить об оплате", "Уточнить детали заказа"],
    "en": ["Call the client back", "Send the quote", "Confirm the booking",
           "Remind about the payment", "Check the order details"],
}  # fmt: skip
APPEALS = {
    "ru": [("Долго ждали мастера", "complaint"), ("Вопрос о цене", "inquiry"),
           ("Хочу записаться на субботу", "order"), ("Предложение о сотрудничестве", "proposal")],
    "en": [("Waited too long", "complaint"), ("A question about prices", "inquiry"),
           ("Booking for Saturday", "order"), ("A partnership idea", "proposal")],
}  # fmt: skip
# Where clients came from and their tags are words people type, so written in the language.
SOURCES = {
    "ru": ["Инстаграм", "Сайт", "Друзья", "Зашли с улицы"],
    "en": ["Instagram", "Website", "Friends", "Walk-in"],
}
TAGS = {"ru": ["VIP", "постоянный", "новый"], "en": ["VIP", "regular", "new"]}
LEADS = {
    "ru": [("Вероника", "Нужна консультация, перезвоните после 18:00"),
           ("Максим", "Сколько стоит ваша услуга?")],
    "en": [("Victoria", "Please call me back after 6 pm"), ("Max", "How much is it?")],
}  # fmt: skip


async def has_demo_data(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(exists().where(DemoRecord.kind.is_not(None)))))


async def fill_demo_data(
    session: AsyncSession, principal: Principal, vertical: str, locale: str
) -> int:
    """Add the demo records; how many. The same workspace gets the same data every time."""
    language = "ru" if locale == "ru" else "en"
    chance = random.Random(str(principal.workspace.id))
    made: list[tuple[str, uuid.UUID]] = []
    members = {principal.user_id}
    pack = registered_packs().get(vertical)

    products = []
    for en, ru, kind, price in (pack and pack.demo_offer) or GENERAL_OFFER:
        name = ru if language == "ru" else en
        product = await create_product(
            session,
            {
                "sku": f"DEMO-{len(products) + 1:03d}",
                "name": name,
                "kind": kind,
                "price": price,
                "unit": "шт" if language == "ru" else "pcs",
            },
        )
        products.append(product)
        made.append(("product", product.id))

    companies = []
    for name in COMPANIES[language]:
        card = await create_company(session, principal, {"name": name})
        companies.append(card.company.id)
        made.append(("company", card.company.id))

    contacts = []
    for index, (first, last, gender) in enumerate(PEOPLE[language]):
        # Numbers from ranges set aside for films and examples.
        phone = f"+7916{5550000 + index:07d}" if language == "ru" else f"+1202555{100 + index:04d}"
        card = await create_contact(
            session,
            principal,
            ContactInput(
                first_name=first,
                last_name=last,
                gender=gender,
                phones=[(phone, "mobile")],
                emails=[(f"{first.lower()}.demo{index}@example.com", "personal")]
                if language == "en"
                else [],
                birthday=utcnow().date().replace(year=1975 + index) - timedelta(days=index * 23),
                marketing_consent=index % 3 != 0,
                source=chance.choice(SOURCES[language]),
                tags=chance.sample(TAGS[language], k=chance.randint(0, 2)),
                companies=[(companies[index % len(companies)], "")] if index % 4 == 0 else [],
            ),
            force=True,
        )
        contacts.append(card.contact.id)
        made.append(("contact", card.contact.id))

    pipelines = await list_pipelines(session)
    if pipelines:
        _, stages = pipelines[0]
        open_stages = [stage for stage in stages if stage.kind == "open"]
        won = next((stage for stage in stages if stage.kind == "won"), None)
        for index in range(12):
            product = products[index % len(products)]
            deal = await create_deal(
                session,
                principal,
                {
                    "title": f"{product.name} — {PEOPLE[language][index][1]}",
                    "pipeline_id": pipelines[0][0].id,
                    "stage_id": open_stages[0].id,
                    "contact_id": contacts[index],
                },
            )
            await set_deal_lines(
                session,
                principal,
                deal.id,
                [{"product_id": product.id, "quantity": Decimal(1 + index % 2)}],
            )
            target = open_stages[index % len(open_stages)] if index < 10 or won is None else won
            if target.id != deal.stage_id:
                await move_deal(session, principal, deal.id, target.id)
            made.append(("deal", deal.id))

    now = utcnow()
    for index, title in enumerate(TASKS[language] * 2):
        due = now + timedelta(hours=(index - 3) * 20)
        activity = await create_activity(
            session,
            principal,
            {"kind": "task", "title": title, "due_at": due, "contact_id": contacts[index]},
            members,
        )
        if index == 0:
            await update_activity(session, principal, activity.id, {"done": True}, members)
        made.append(("activity", activity.id))

    for index, (subject, kind) in enumerate(APPEALS[language]):
        appeal = await create_appeal(
            session,
            principal,
            {
                "channel": ["phone", "messenger", "website", "email"][index],
                "kind": kind,
                "subject": subject,
                "summary": subject,
                "contact_id": contacts[index + 2],
                "received_at": now - timedelta(days=index, hours=3),
            },
        )
        made.append(("appeal", appeal.id))

    for name, message in LEADS[language]:
        lead = await create_lead(
            session, principal, {"source": "form", "name": name, "message": message}
        )
        made.append(("lead", lead.id))

    session.add_all(DemoRecord(kind=kind, record_id=record_id) for kind, record_id in made)
    await session.flush()
    extra = await pack.fill_demo(session, principal, locale) if pack and pack.fill_demo else 0
    return len(made) + extra


# Deleted in this order: what points at a record goes before it.
_CLEARED = (
    ("activity", Activity),
    ("appeal", Appeal),
    ("lead", Lead),
    ("deal", Deal),
    ("contact", Contact),
    ("company", Company),
    ("product", Product),
)


async def clear_demo_data(session: AsyncSession, principal: Principal) -> int:
    """Delete every demo record (and its history); how many."""
    principal.require("crm.delete")
    cleared = 0
    for pack in registered_packs().values():  # a pack's records point at the core's
        if pack.clear_demo is not None:
            cleared += await pack.clear_demo(session)
    for kind, model in _CLEARED:
        ids = select(DemoRecord.record_id).where(DemoRecord.kind == kind)
        await session.execute(
            delete(AuditEntry)
            .where(AuditEntry.record_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        result = await session.execute(
            delete(model).where(model.id.in_(ids)).execution_options(synchronize_session=False)
        )
        cleared += result.rowcount
    await session.execute(delete(DemoRecord))
    return cleared
