"""Search over 1,000,000 contacts in one workspace: p50/p95 for name fragments and exact phones.

Run: atrium bench search [--contacts 1000000] [--queries 300]
Uses DATABASE_URL's server (embedded PostgreSQL when unset) and a scratch database it drops.
Contacts are loaded with COPY (indexes built afterwards, as a bulk import would); the queries
then go through the HTTP API with an API key (auth, tenant transaction, JSON included), and
the search service alone is timed too. Targets: p95 <= 50 ms for a name, <= 5 ms for a phone.
"""

import argparse
import asyncio
import os
import random
import secrets
import statistics
import time
import uuid

import sqlalchemy as sa
from alembic import command
from litestar.testing import AsyncTestClient

from atrium.platform.auth.models import Role
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import workspace_of
from atrium.platform.config import load_settings
from atrium.platform.crm.records.normalize import search_key
from atrium.platform.crm.search.service import search
from atrium.platform.runtime import Runtime, start_runtime
from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.web.app import create_app
from tests.bench.common import drop_database, load_contacts, scratch_database

os.environ["ATRIUM_SPARE_WORKSPACES"] = "0"
os.environ["ATRIUM_EMBEDDED_WORKER"] = "false"
os.environ.setdefault("ATRIUM_LOG_LEVEL", "WARNING")  # a line per request would be timed too

LAST = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв "
    "Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков "
    "Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров "
    "Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов "
    "Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов "
    "Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин "
    "Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв "
    "Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев "
    "Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов "
    "Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов "
    "Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев "
    "Харитонов Князев Цветков Левин Митрофанов Воронцов Аксёнов Софронов Мальцев Логинов "
    "Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Демин Хохлов "
    "Жданов Носков Шубин Шестаков Лаптев Зуев Субботин Шишкин Блинов Третьяков Шилов Шарапов"
).split()
FIRST_MALE = (
    "Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир "
    "Владислав Вячеслав Геннадий Георгий Глеб Григорий Даниил Денис Дмитрий Евгений Егор Иван "
    "Игорь Илья Кирилл Константин Леонид Максим Матвей Михаил Никита Николай Олег Павел Пётр "
    "Роман Руслан Сергей Станислав Степан Тимофей Тимур Фёдор Юрий Ярослав"
).split()
FIRST_FEMALE = (
    "Александра Алина Алиса Алла Анастасия Ангелина Анна Валентина Валерия Вера Вероника "
    "Виктория Галина Дарья Диана Ева Евгения Екатерина Елена Елизавета Жанна Зоя Инна Ирина "
    "Кристина Ксения Лариса Любовь Людмила Маргарита Марина Мария Надежда Наталья Нина Ольга "
    "Полина Светлана София Татьяна Ульяна Юлия Яна"
).split()
LATIN = "Smith Johnson Brown Taylor Miller Wilson Moore Anderson Thomas Jackson White".split()
LATIN_FIRST = "John Anna Peter Mary James Linda David Susan Mark Laura Paul Emma".split()


def _person(rng: random.Random) -> tuple[str, str, str]:
    if rng.random() < 0.1:
        return rng.choice(LATIN_FIRST), rng.choice(LATIN), "unknown"
    last = rng.choice(LAST)
    if rng.random() < 0.5:
        return rng.choice(FIRST_MALE), last, "male"
    return rng.choice(FIRST_FEMALE), last + "а", "female"


def _fragments(rng: random.Random, count: int) -> list[str]:
    """What people type: a surname's start (3-6 letters), a whole name, Latin, a typo."""
    queries = []
    for _ in range(count):
        last = rng.choice(LAST)
        kind = rng.random()
        if kind < 0.4:
            queries.append(last[: rng.randint(3, 6)].lower())
        elif kind < 0.6:
            queries.append(f"{last} {rng.choice(FIRST_MALE)}")
        elif kind < 0.8:
            queries.append(search_key(last).strip())  # "ivanov" for Иванов
        else:
            at = rng.randrange(1, len(last) - 1)
            queries.append(last[:at] + "о" + last[at + 1 :])  # one wrong letter
    return queries


def _report(label: str, timings: list[float], target_ms: float) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)] * 1000
    print(
        f"{label:<40} n={len(ordered):<4} p50={statistics.median(ordered) * 1000:6.1f} ms  "
        f"p95={p95:6.1f} ms  max={ordered[-1] * 1000:6.1f} ms  (target p95 <= {target_ms} ms)"
    )


async def _time_http(client, headers, queries, types) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        answer = await client.get(
            "/api/v1/search", params={"q": query, "types": types}, headers=headers
        )
        timings.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise SystemExit(f"search failed: {answer.status_code} {answer.text}")
    return timings


async def _time_service(app, schema, user_id, queries, types) -> list[float]:
    async with app.state.db.shared_transaction() as shared:
        tenant = await shared.scalar(sa.select(Tenant).where(Tenant.schema_name == schema))
        workspace = workspace_of(tenant)
    principal = Principal(user_id, "bench@example.com", "Bench", workspace, Role.OWNER, "api_key")
    timings = []
    for query in queries:
        started = time.perf_counter()
        await search(app.state.db, principal, query, kinds=types)
        timings.append(time.perf_counter() - started)
    return timings


async def _run(contacts: int, queries: int) -> None:
    settings = load_settings()
    base = start_runtime(settings)
    url, name = scratch_database(base.database_url)
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        runtime = Runtime(url, base.redis_url, base.secret_key, base.embedded)
        app = create_app(settings, runtime)
        async with AsyncTestClient(app) as client:
            signup = await client.post(
                "/api/v1/signup",
                json={
                    "company": "Bench Search Salon",
                    "email": f"bench-search-{secrets.token_hex(3)}@example.com",
                    "password": "Velvet-Otter-42-Lantern",
                    "vertical": "salon",
                    "locale": "ru",
                },
            )
            body = signup.json()
            headers = {"Authorization": f"Bearer {body['api_key']}"}
            owner = uuid.UUID(body["user"]["id"])
            with sa.create_engine(url).connect() as connection:
                schema = connection.execute(
                    sa.text("SELECT schema_name FROM atrium.tenants WHERE slug = :slug"),
                    {"slug": body["tenant"]["slug"]},
                ).scalar_one()
            phones = await asyncio.to_thread(
                load_contacts, url, schema, owner, contacts, _person, 7
            )
            rng = random.Random(11)
            names = _fragments(rng, queries)
            typed_phones = [
                f"8 ({p[2:5]}) {p[5:8]}-{p[8:10]}-{p[10:12]}" for p in rng.sample(phones, queries)
            ]
            await _time_http(client, headers, names[:20], "contact")  # warm the caches
            for types, label in (("contact", "contacts"), ("contact,company,deal", "all types")):
                timings = await _time_http(client, headers, names, types)
                _report(f"HTTP name fragment, {label}", timings, 50)
                timings = await _time_http(client, headers, typed_phones, types)
                _report(f"HTTP exact phone, {label}", timings, 5)
            timings = await _time_service(app, schema, owner, names, ("contact",))
            _report("service only, name fragment", timings, 50)
            timings = await _time_service(app, schema, owner, typed_phones, ("contact",))
            _report("service only, exact phone", timings, 5)
    finally:
        drop_database(base.database_url, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    asyncio.run(_run(args.contacts, args.queries))


if __name__ == "__main__":
    main()
