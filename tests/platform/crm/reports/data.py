"""A window company's March 2025 (Moscow time), written straight into a workspace, for the report
tests to compute by hand. Records sit on both sides of the month's edges in Moscow time.

People: the owner; Anna and Boris (employees); Max (manager of team North, with Anna).
Pipeline "Окна и монтаж": Замер -> Расчёт -> Договор -> Успешно (won), Отказ (lost).

Deals (amount, owner, customer, moves; * = closed):
  D1  50 000 Anna  Алла     Замер 1.03, Расчёт 3.03, Договор 5.03, *Успешно 10.03
  D2  30 000 Anna  Алла     Замер 15.03, *Успешно 20.03 (skips two stages)
  D3  15 000 owner Борис    Замер 25.03, Договор 28.03, *Успешно 31.03 22:30
  D4   4 000 Boris Вера     Замер 20.02, *Успешно 1.03 00:30 (28.02 in UTC)
  D5   1 000 Anna  Галина   Замер 20.02, *Успешно 28.02 23:30 (February)
  D6  20 000 owner Борис    Замер 2.03, Расчёт 6.03, *Отказ 12.03 "Дорого"
  D7   8 000 Boris Дмитрий  Замер 8.03, *Отказ 14.03 " дорого "
  D8  12 000 Anna  Галина   Замер 9.03, Расчёт 11.03, Договор 13.03,
                            *Отказ 18.03 "Выбрали конкурента"
  D9   6 000 Boris Вера     Замер 20.03, Расчёт 22.03 (open)
  D10  2 500 owner (nobody) Замер 16.03 10:00, *Успешно 16.03 15:00
  D11  1 000 owner Елена    Замер 30.03, *Успешно 2.04 (April)

Around March (written by ``add_purchases_around_march``, for customer lifetime only):
  D12  5 000 Anna  Алла     Замер 15.01, *Успешно 20.01 (January)
  D13  3 000 Boris Вера     Замер 5.04, *Успешно 10.04 (April)
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from atrium.platform.auth.models import Role
from atrium.platform.auth.principal import Principal, Workspace
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.appeals.models import Appeal
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.deals.models import Deal, DealMove, Pipeline, Stage
from atrium.platform.crm.leads.models import Lead
from atrium.platform.crm.products.models import DealLine, Product
from atrium.platform.crm.teams.models import Team, TeamMember
from atrium.platform.tenancy.models import WorkspaceSettings

MOSCOW = ZoneInfo("Europe/Moscow")


def msk(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=MOSCOW)


@dataclass
class March:
    workspace: Workspace
    owner: uuid.UUID
    anna: uuid.UUID
    boris: uuid.UUID
    max: uuid.UUID
    contacts: dict[str, uuid.UUID]
    products: dict[str, uuid.UUID]

    def principal(self, user_id: uuid.UUID, role: Role) -> Principal:
        return Principal(user_id, "x@example.com", "X", self.workspace, role, "session")

    def as_owner(self) -> Principal:
        return self.principal(self.owner, Role.OWNER)


async def build_march(db, workspace: Workspace, owner: uuid.UUID, anna=None) -> March:
    """Write the month into ``workspace``; ``anna`` may be a real member's id."""
    data = March(workspace, owner, anna or uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), {}, {})
    async with db.tenant_transaction(workspace.schema) as session:
        await session.execute(update(WorkspaceSettings).values(timezone="Europe/Moscow"))
        team = Team(name="North")
        session.add(team)
        await session.flush()
        session.add_all([TeamMember(team_id=team.id, user_id=u) for u in (data.max, data.anna)])

        who = {"owner": owner, "anna": data.anna, "boris": data.boris}
        for name, source, person, created in [
            ("Алла", "instagram", "anna", msk(3, 2)),
            ("Борис", "website", "owner", msk(3, 5)),
            ("Вера", "instagram", "boris", msk(2, 10)),
            ("Галина", "", "anna", msk(3, 10)),
            ("Дмитрий", "friends", "owner", msk(3, 31, 22, 30)),
            ("Елена", "website", "owner", msk(2, 28, 23, 30)),
        ]:
            contact = Contact(
                first_name=name, display_name=name, source=source, owner_id=who[person],
                created_at=created, updated_at=created,
            )  # fmt: skip
            session.add(contact)
            await session.flush()
            data.contacts[name] = contact.id

        pipeline = Pipeline(name="Окна и монтаж", position=-1)
        session.add(pipeline)
        await session.flush()
        stages = {}
        for position, (name, kind) in enumerate(
            [("Замер", "open"), ("Расчёт", "open"), ("Договор", "open"),
             ("Успешно", "won"), ("Отказ", "lost")]
        ):  # fmt: skip
            stage = Stage(pipeline_id=pipeline.id, name=name, kind=kind, position=position)
            session.add(stage)
            await session.flush()
            stages[name] = stage.id

        deals = {}
        for key, amount, person, customer, moves, reason in [
            ("D1", 50000, "anna", "Алла",
             [("Замер", msk(3, 1)), ("Расчёт", msk(3, 3)), ("Договор", msk(3, 5)),
              ("Успешно", msk(3, 10))], ""),
            ("D2", 30000, "anna", "Алла", [("Замер", msk(3, 15)), ("Успешно", msk(3, 20))], ""),
            ("D3", 15000, "owner", "Борис",
             [("Замер", msk(3, 25)), ("Договор", msk(3, 28)), ("Успешно", msk(3, 31, 22, 30))],
             ""),
            ("D4", 4000, "boris", "Вера", [("Замер", msk(2, 20)), ("Успешно", msk(3, 1, 0, 30))],
             ""),
            ("D5", 1000, "anna", "Галина",
             [("Замер", msk(2, 20)), ("Успешно", msk(2, 28, 23, 30))], ""),
            ("D6", 20000, "owner", "Борис",
             [("Замер", msk(3, 2)), ("Расчёт", msk(3, 6)), ("Отказ", msk(3, 12))], "Дорого"),
            ("D7", 8000, "boris", "Дмитрий", [("Замер", msk(3, 8)), ("Отказ", msk(3, 14))],
             " дорого "),
            ("D8", 12000, "anna", "Галина",
             [("Замер", msk(3, 9)), ("Расчёт", msk(3, 11)), ("Договор", msk(3, 13)),
              ("Отказ", msk(3, 18))], "Выбрали конкурента"),
            ("D9", 6000, "boris", "Вера", [("Замер", msk(3, 20)), ("Расчёт", msk(3, 22))], ""),
            ("D10", 2500, "owner", None,
             [("Замер", msk(3, 16)), ("Успешно", msk(3, 16, 15))], ""),
            ("D11", 1000, "owner", "Елена", [("Замер", msk(3, 30)), ("Успешно", msk(4, 2))], ""),
        ]:  # fmt: skip
            last_stage, last_at = moves[-1]
            closed = last_stage in ("Успешно", "Отказ")
            deal = Deal(
                title=key, pipeline_id=pipeline.id, stage_id=stages[last_stage],
                contact_id=data.contacts.get(customer), owner_id=who[person],
                amount=Decimal(amount), currency="RUB", lost_reason=reason,
                stage_changed_at=last_at, closed_at=last_at if closed else None,
                created_at=moves[0][1], updated_at=last_at,
            )  # fmt: skip
            session.add(deal)
            await session.flush()
            deals[key] = deal.id
            previous = None
            for stage, at in moves:
                session.add(
                    DealMove(
                        deal_id=deal.id,
                        from_stage_id=previous,
                        to_stage_id=stages[stage],
                        actor_id=who[person],
                        at=at,
                    )
                )
                previous = stages[stage]

        for sku, name, price in [
            ("W1", "Окно ПВХ", 20000), ("M1", "Монтаж", 10000), ("S1", "Подоконник", 2500),
        ]:  # fmt: skip
            product = Product(sku=sku, name=name, price=Decimal(price))
            session.add(product)
            await session.flush()
            data.products[name] = product.id
        for deal, position, product, name, quantity, price, discount in [
            ("D1", 0, "Окно ПВХ", "Окно ПВХ", "2", 20000, 0),
            ("D1", 1, "Монтаж", "Монтаж", "1", 10000, 0),
            ("D2", 0, "Окно ПВХ", "Окно ПВХ", "1", 20000, 0),
            ("D2", 1, "Подоконник", "Подоконник", "4", 2500, 0),
            ("D3", 0, "Монтаж", "Монтаж", "1", 10000, 1000),
            ("D3", 1, None, "Доставка", "1", 6000, 0),
            ("D4", 0, None, "доставка ", "2", 1500, 0),
            ("D4", 1, "Подоконник", "Подоконник", "1", 1000, 0),
            ("D5", 0, "Окно ПВХ", "Окно ПВХ", "1", 1000, 0),
        ]:
            session.add(
                DealLine(
                    deal_id=deals[deal],
                    position=position,
                    product_id=data.products.get(product),
                    name=name,
                    quantity=Decimal(quantity),
                    unit_price=Decimal(price),
                    discount=Decimal(discount),
                )  # fmt: skip
            )

        for person, kind, done in [
            ("anna", "call", msk(3, 3)), ("anna", "call", msk(3, 12)),
            ("anna", "call", msk(3, 31, 22, 30)), ("anna", "meeting", msk(3, 14)),
            ("anna", "call", msk(2, 27)),  # February
            ("anna", "call", None),  # not done
            ("anna", "task", msk(3, 5)),  # a task is neither
            ("boris", "call", msk(3, 4)), ("boris", "meeting", msk(3, 6)),
            ("boris", "meeting", msk(3, 21)),
            ("owner", "call", msk(3, 1, 0, 5)),
        ]:  # fmt: skip
            session.add(
                Activity(
                    kind=kind,
                    title=kind,
                    assignee_id=who[person],
                    owner_id=who[person],
                    done_at=done,
                    due_at=done,
                )  # fmt: skip
            )

        for person, channel, kind, received, hours, limit, subject in [
            ("anna", "phone", "inquiry", msk(3, 3, 10), 2, 48, "Замер"),
            ("anna", "email", "complaint", msk(3, 5, 9), 4, 24, "доставка"),
            ("boris", "phone", "complaint", msk(3, 7, 10), None, 24, " ДОСТАВКА "),
            ("boris", "messenger", "proposal", msk(3, 9, 10), 73, 72, ""),
            ("owner", "phone", "order", msk(2, 20, 10), 1, 24, "Замер"),
            ("anna", "phone", "complaint", msk(3, 20, 10), 30, 24, "замер"),
        ]:  # fmt: skip
            answered = received + timedelta(hours=hours) if hours is not None else None
            session.add(
                Appeal(
                    channel=channel,
                    kind=kind,
                    subject=subject,
                    received_at=received,
                    employee_id=who[person],
                    owner_id=who[person],
                    respond_by=received + timedelta(hours=limit),
                    answered_at=answered,
                    result="answered" if answered else "",
                )  # fmt: skip
            )

        for source, status, person, created in [
            ("form", "converted", "anna", msk(3, 4)),
            ("form", "unsorted", None, msk(3, 6)),
            ("call", "converted", "boris", msk(3, 7)),
            ("chat", "converted", "anna", msk(2, 25)),
        ]:
            session.add(
                Lead(
                    source=source,
                    status=status,
                    assignee_id=who.get(person),
                    created_at=created,
                    updated_at=created,
                )  # fmt: skip
            )
    return data


async def add_purchases_around_march(db, data: March) -> None:
    """Алла's purchase in January and Вера's in April: outside March, inside their lifetime."""
    async with db.tenant_transaction(data.workspace.schema) as session:
        pipeline = await session.scalar(select(Pipeline).where(Pipeline.name == "Окна и монтаж"))
        stages = dict(
            (await session.execute(
                select(Stage.name, Stage.id).where(Stage.pipeline_id == pipeline.id)
            )).all()
        )  # fmt: skip
        for key, amount, person, customer, opened, won in [
            ("D12", 5000, data.anna, "Алла", msk(1, 15), msk(1, 20)),
            ("D13", 3000, data.boris, "Вера", msk(4, 5), msk(4, 10)),
        ]:
            deal = Deal(
                title=key, pipeline_id=pipeline.id, stage_id=stages["Успешно"],
                contact_id=data.contacts[customer], owner_id=person, amount=Decimal(amount),
                currency="RUB", stage_changed_at=won, closed_at=won, created_at=opened,
                updated_at=won,
            )  # fmt: skip
            session.add(deal)
            await session.flush()
            session.add_all([
                DealMove(deal_id=deal.id, to_stage_id=stages["Замер"], actor_id=person, at=opened),
                DealMove(deal_id=deal.id, from_stage_id=stages["Замер"],
                         to_stage_id=stages["Успешно"], actor_id=person, at=won),
            ])  # fmt: skip
