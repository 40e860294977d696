"""Pipelines and their stages, with the ones a new workspace starts with."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.deals.models import STAGE_KINDS, Deal, Pipeline, Stage
from atrium.platform.db.names import by_name
from atrium.platform.db.savepoints import unique_or
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.packs import CLOSING_STAGES, DefaultPipeline, registered_packs

# The general CRM's; a pack brings its trade's own (Pack.pipelines).
GENERAL_PIPELINES: list[DefaultPipeline] = [
    (
        ("Sales", "Продажи"),
        [
            ("New", "Новая", "open", 10),
            ("Qualified", "Квалифицирована", "open", 30),
            ("Proposal sent", "Предложение отправлено", "open", 50),
            ("Negotiation", "Переговоры", "open", 70),
            *CLOSING_STAGES,
        ],
    ),
]


async def seed_default_pipelines(session: AsyncSession, vertical: str, locale: str) -> None:
    """The trade's pipelines, in the workspace's language, after its own; one it has already (a
    workspace that switches trade and back) is left alone."""
    russian = locale == "ru"
    pack = registered_packs().get(vertical)
    present = await list_pipelines(session)
    taken = {pipeline.name.lower() for pipeline, _ in present}
    position = len(present)
    for names, stages in (pack.pipelines if pack else None) or GENERAL_PIPELINES:
        name = names[1] if russian else names[0]
        if name.lower() in taken:
            continue
        pipeline = Pipeline(name=name, position=position)
        position += 1
        session.add(pipeline)
        await session.flush()
        session.add_all(
            Stage(
                pipeline_id=pipeline.id,
                name=ru if russian else en,
                kind=kind,
                probability=probability,
                position=index,
            )
            for index, (en, ru, kind, probability) in enumerate(stages)
        )
    await session.flush()


async def list_pipelines(session: AsyncSession) -> list[tuple[Pipeline, list[Stage]]]:
    pipelines = list(
        await session.scalars(select(Pipeline).order_by(Pipeline.position, *by_name(Pipeline.name)))
    )
    stages = list(await session.scalars(select(Stage).order_by(Stage.position)))
    return [(p, [s for s in stages if s.pipeline_id == p.id]) for p in pipelines]


async def pipeline_with_stages(session: AsyncSession, pipeline_id: uuid.UUID):
    pipeline = await session.get(Pipeline, pipeline_id)
    if pipeline is None:
        raise NotFound("No such pipeline.")
    stages = await session.scalars(
        select(Stage).where(Stage.pipeline_id == pipeline_id).order_by(Stage.position)
    )
    return pipeline, list(stages)


def _check_stage(stage: dict, prefix: str = "") -> None:
    """A stage's own values (its name tidied in place); ``prefix`` names it in a list."""
    stage["name"] = " ".join(stage["name"].split())
    if not stage["name"] or len(stage["name"]) > 100:
        raise Invalid("A stage needs a name of 1 to 100 characters.", field=f"{prefix}name")
    if stage["kind"] not in STAGE_KINDS:
        raise Invalid("A stage's kind is open, won or lost.", field=f"{prefix}kind")
    if not 0 <= stage["probability"] <= 100:
        raise Invalid("probability is 0 to 100.", field=f"{prefix}probability")
    if stage["time_limit_hours"] is not None and stage["time_limit_hours"] < 1:
        raise Invalid("time_limit_hours must be 1 or more.", field=f"{prefix}time_limit_hours")


async def create_pipeline(session: AsyncSession, name: str, stages: list[dict]):
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise Invalid("A pipeline needs a name of 1 to 100 characters.", field="name")
    if not any(stage["kind"] == "open" for stage in stages):
        raise Invalid("A pipeline needs at least one open stage.", field="stages")
    kinds = {stage["kind"] for stage in stages}
    if not {"won", "lost"} <= kinds:
        raise Invalid("A pipeline needs a won stage and a lost stage.", field="stages")
    seen = set()
    for index, stage in enumerate(stages):
        _check_stage(stage, f"stages[{index}].")
        if stage["name"].lower() in seen:
            raise Invalid("Stage names must differ.", field=f"stages[{index}].name")
        seen.add(stage["name"].lower())
    position = await session.scalar(select(func.coalesce(func.max(Pipeline.position), -1) + 1))
    pipeline = Pipeline(name=name, position=position)
    taken = Conflict("A pipeline named %(name)s exists already.", field="name", name=name)
    async with unique_or(session, taken):
        session.add(pipeline)
    session.add_all(
        Stage(pipeline_id=pipeline.id, position=index, **stage)
        for index, stage in enumerate(stages)
    )
    await session.flush()
    return await pipeline_with_stages(session, pipeline.id)


# Changing a pipeline's stages. The shape every change keeps: an open stage first (a new deal
# starts on the first stage), a won and a lost stage, and no stage deleted while deals are in it.


def _check_shape(stages: list[Stage]) -> None:
    kinds = {stage.kind for stage in stages}
    if "open" not in kinds:
        raise Invalid("A pipeline needs at least one open stage.", field="stage")
    if not {"won", "lost"} <= kinds:
        raise Invalid("A pipeline needs a won stage and a lost stage.", field="stage")
    if stages[0].kind != "open":
        raise Invalid("A new deal starts on an open stage.", field="stage")


def _stage_in(stages: list[Stage], stage_id: uuid.UUID) -> Stage:
    stage = next((stage for stage in stages if stage.id == stage_id), None)
    if stage is None:
        raise NotFound("That stage is not in this pipeline.")
    return stage


def _renumbered(stages: list[Stage]) -> None:
    for position, stage in enumerate(stages):
        stage.position = position


def _name_is_free(stages: list[Stage], name: str, own: Stage | None = None) -> None:
    if any(s.name.lower() == name.lower() for s in stages if s is not own):
        raise Invalid("Stage names must differ.", field="name")


async def add_stage(session: AsyncSession, pipeline_id: uuid.UUID, stage: dict) -> Stage:
    """A new open stage goes before the won and lost ones; a won or lost one goes last."""
    _, stages = await pipeline_with_stages(session, pipeline_id)
    stage = {"probability": 0, "time_limit_hours": None, **stage}
    _check_stage(stage)
    _name_is_free(stages, stage["name"])
    place = len(stages)
    if stage["kind"] == "open":
        place = next((i for i, s in enumerate(stages) if s.kind != "open"), len(stages))
    added = Stage(pipeline_id=pipeline_id, **stage)
    session.add(added)
    stages.insert(place, added)
    _renumbered(stages)
    await session.flush()
    return added


async def update_stage(
    session: AsyncSession, pipeline_id: uuid.UUID, stage_id: uuid.UUID, changes: dict
) -> Stage:
    """Rename a stage, or change its probability or time limit (its kind stays: deals in it
    were counted as open, won or lost by it)."""
    _, stages = await pipeline_with_stages(session, pipeline_id)
    stage = _stage_in(stages, stage_id)
    values = {
        "name": stage.name,
        "probability": stage.probability,
        "time_limit_hours": stage.time_limit_hours,
        **changes,
        "kind": stage.kind,
    }
    _check_stage(values)
    _name_is_free(stages, values["name"], own=stage)
    stage.name, stage.probability = values["name"], values["probability"]
    # Deals already in the stage keep the limit they entered with (Deal.stage_due_at).
    stage.time_limit_hours = values["time_limit_hours"]
    await session.flush()
    return stage


async def move_stage(
    session: AsyncSession, pipeline_id: uuid.UUID, stage_id: uuid.UUID, step: int
) -> None:
    """One place up (step -1) or down (+1); at either end it stays where it is."""
    _, stages = await pipeline_with_stages(session, pipeline_id)
    stage = _stage_in(stages, stage_id)
    index = stages.index(stage)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(stages):
        return
    stages[index], stages[other] = stages[other], stages[index]
    _check_shape(stages)
    _renumbered(stages)
    await session.flush()


async def delete_stage(session: AsyncSession, pipeline_id: uuid.UUID, stage_id: uuid.UUID) -> None:
    _, stages = await pipeline_with_stages(session, pipeline_id)
    stage = _stage_in(stages, stage_id)
    deals = await session.scalar(select(func.count()).where(Deal.stage_id == stage.id))
    if deals:
        raise Conflict(
            "Deals are in the stage %(name)s: move them to another stage first.",
            field="stage",
            name=stage.name,
        )
    stages.remove(stage)
    _check_shape(stages)
    await session.delete(stage)
    _renumbered(stages)
    await session.flush()
