"""Deal pages: the board of a pipeline (drag a card to another stage; without scripts, a small
form on each card does the same), a table view, the new-deal form and the deal card with its
product lines and stage history."""

import uuid
from decimal import Decimal, InvalidOperation

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.crm.contacts.cards import contact_card
from atrium.platform.crm.deals import service
from atrium.platform.crm.deals.board import pipeline_board
from atrium.platform.crm.deals.pipelines import list_pipelines
from atrium.platform.crm.products.service import list_products
from atrium.platform.crm.search.picker import SeveralMatch, picked
from atrium.platform.errors import DomainError, Invalid
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction


def _pipeline_choice(pipelines: list, wanted: str | None):
    """The pipeline asked for, else the first; 404 for one that is not there."""
    if not pipelines:
        return None
    if not wanted:
        return pipelines[0][0]
    for pipeline, _ in pipelines:
        if str(pipeline.id) == wanted:
            return pipeline
    raise NotFoundException()


DEAL_FORM = FormFields(
    title=Field(gettext("Title"), service.TITLE_LIMIT, required=True),
    stage_id=Field(gettext("Pipeline and stage")),
    amount=Field(gettext("Amount")),
    contact_id=Field(gettext("Client")),
    notes=Field(gettext("Notes"), service.NOTES_LIMIT),
)


DEAL_CARD_FORM = FormFields(  # a lost deal's reason; a line of products on the card
    lost_reason=Field(gettext("Why was the deal lost?"), service.LOST_REASON_LIMIT),
    name=Field(gettext("Name"), service.LINE_NAME_LIMIT),
)


@get("/w/{slug:str}/deals")
async def deals_board(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    view = "table" if request.query_params.get("view") == "table" else "board"
    status = request.query_params.get("status") or None
    async with transaction(page) as session:
        pipelines = await list_pipelines(session)
        pipeline = _pipeline_choice(pipelines, request.query_params.get("pipeline"))
        columns, table, next_cursor = [], [], None
        if pipeline is not None and view == "board":
            pipeline, columns = await pipeline_board(session, page.principal, pipeline.id)
        elif pipeline is not None:
            try:
                result = await service.list_deals(
                    session,
                    page.principal,
                    pipeline_id=pipeline.id,
                    status=status,
                    cursor=request.query_params.get("cursor") or None,
                    limit=50,
                )
            except DomainError:
                raise NotFoundException() from None
            table, next_cursor = result.items, result.next_cursor
    stages = {stage.id: stage for _, stage_list in pipelines for stage in stage_list}
    return page.render(
        "deals/board.html",
        section="deals",
        pipelines=[p for p, _ in pipelines],
        pipeline=pipeline,
        columns=columns,
        table=table,
        stages=stages,
        status=status or "",
        next_cursor=next_cursor,
        view=view,
    )


@post("/w/{slug:str}/deals/{deal_id:str}/move")
async def deal_move(
    request: Request, page: NamedDependency[WorkspacePage], deal_id: FromPath[str]
) -> Redirect:
    """Drop on a column (or the card's own form): the board again, with what happened."""
    form = await request.form()
    ident = record_id(deal_id)
    back = form.get("back") or f"{page.base}/deals"
    if not back.startswith(f"{page.base}/"):
        back = f"{page.base}/deals"
    try:
        async with transaction(page) as session:
            deal = await service.move_deal(
                session,
                page.principal,
                ident,
                record_id(form.get("stage_id", "")),
                form.get("lost_reason"),
            )
            title = deal.title
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        return page.redirect(back, error=page.error_text(error))
    return page.redirect(back, notice=page._("“%(title)s” moved.", title=title))


async def _form_page(
    page: WorkspacePage, status_code: int = 200, *, values: dict, **context
) -> Template:
    async with transaction(page) as session:
        pipelines = await list_pipelines(session)
        if values.get("contact_id") and not values.get("contact_id_text"):
            # A client named by the link (a contact card's "new deal"): shown by name.
            try:
                card = await contact_card(session, page.principal, uuid.UUID(values["contact_id"]))
                values["contact_id_text"] = card.contact.display_name
            except (DomainError, ValueError):
                values["contact_id"] = ""
    return page.render(
        "deals/form.html",
        status_code,
        section="deals",
        form_fields=DEAL_FORM,
        pipelines=pipelines,
        values=values,
        **context,
    )  # fmt: skip


@get("/w/{slug:str}/deals/new")
async def deal_new(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    query = request.query_params
    values = {key: query.get(key, "") for key in ("pipeline_id", "stage_id", "contact_id")}
    return await _form_page(page, values=values)


def _optional_id(form: FormMultiDict, name: str) -> uuid.UUID | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise Invalid("Choose from the list.", field=name) from None


def _decimal(raw: str, field: str) -> Decimal:
    """A number as people type it: "1 234,50" or "1234.50"."""
    cleaned = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return Decimal(cleaned or "0")
    except InvalidOperation:
        raise Invalid("Enter a number, such as 1500 or 1500.50.", field=field) from None


@post("/w/{slug:str}/deals")
async def deal_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    values = {key: form.get(key, "") for key in form}
    problems = DEAL_FORM.problems(form)
    try:
        _decimal(form.get("amount", ""), "amount")
    except Invalid as error:
        problems.append(error)
    if problems:
        errors = page.form_errors(DEAL_FORM, *problems)
        return await _form_page(page, 422, values=values, errors=errors)
    try:
        contact_id = await picked(page, form, "contact_id", "contacts")
        async with transaction(page) as session:
            stage_id = _optional_id(form, "stage_id")
            pipelines = await list_pipelines(session)
            # The stage names its pipeline; the pipeline alone starts on its first stage.
            pipeline_id = next(
                (p.id for p, stages in pipelines if any(s.id == stage_id for s in stages)),
                _optional_id(form, "pipeline_id") or (pipelines[0][0].id if pipelines else None),
            )
            if pipeline_id is None:
                raise Invalid("Choose a pipeline.", field="stage_id")
            deal = await service.create_deal(
                session,
                page.principal,
                {
                    "title": form.get("title", ""),
                    "pipeline_id": pipeline_id,
                    "stage_id": stage_id,
                    "contact_id": contact_id,
                    "amount": _decimal(form.get("amount", ""), "amount"),
                    "notes": form.get("notes", ""),
                },
            )
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        errors = page.form_errors(DEAL_FORM, error)
        choices = error.choices if isinstance(error, SeveralMatch) else None
        return await _form_page(
            page, error.status, values=values, errors=errors, client_choices=choices
        )
    return Redirect(f"{page.base}/deals/{deal.id}")


async def _deal_page(page: WorkspacePage, ident: uuid.UUID, status_code=200, **context):
    async with transaction(page) as session:
        try:
            deal = await service.get_deal(session, page.principal, ident)
        except DomainError:
            raise NotFoundException() from None
        lines = await service.deal_lines(session, deal.id)
        moves = await service.deal_moves(session, deal.id)
        pipelines = await list_pipelines(session)
        products = (await list_products(session, active=True, limit=200)).items
        contact = None
        if deal.contact_id:
            try:
                contact = (await contact_card(session, page.principal, deal.contact_id)).contact
            except DomainError:
                contact = None
    stages = {stage.id: stage for _, stage_list in pipelines for stage in stage_list}
    own_stages = [stage for stage in stages.values() if stage.pipeline_id == deal.pipeline_id]
    return page.render(
        "deals/card.html",
        status_code,
        section="deals",
        form_fields=DEAL_CARD_FORM,
        deal=deal,
        lines=lines,
        moves=moves,
        stages=stages,
        own_stages=own_stages,
        products=products,
        contact=contact,
        **context,
    )


@get("/w/{slug:str}/deals/{deal_id:str}")
async def deal_page(
    request: Request, page: NamedDependency[WorkspacePage], deal_id: FromPath[str]
) -> Template:
    return await _deal_page(page, record_id(deal_id), errors={}, values={})


def _line_of(line) -> dict:
    return {
        "product_id": line.product_id,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount": line.discount,
    }


@post("/w/{slug:str}/deals/{deal_id:str}/lines")
async def deal_lines(
    request: Request, page: NamedDependency[WorkspacePage], deal_id: FromPath[str]
) -> Template | Redirect:
    """Add a line (product or free text), or remove one (``remove`` = its position)."""
    ident = record_id(deal_id)
    form = await request.form()
    try:
        async with transaction(page) as session:
            deal = await service.get_deal(session, page.principal, ident)
            lines = [_line_of(line) for line in await service.deal_lines(session, deal.id)]
            if (remove := form.get("remove")) is not None:
                lines = [line for index, line in enumerate(lines) if str(index) != remove]
            else:
                new = {
                    "product_id": _optional_id(form, "product_id"),
                    "name": form.get("name", ""),
                    "quantity": _decimal(form.get("quantity", "") or "1", "quantity"),
                    "discount": _decimal(form.get("discount", ""), "discount"),
                }
                if form.get("unit_price", "").strip():
                    new["unit_price"] = _decimal(form.get("unit_price", ""), "unit_price")
                lines.append(new)
            await service.set_deal_lines(session, page.principal, deal.id, lines)
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        field = (error.field or "_form").rpartition(".")[2]
        errors = {field: page.error_text(error)}
        values = {key: form.get(key, "") for key in form}
        return await _deal_page(page, ident, error.status, errors=errors, values=values)
    return Redirect(f"{page.base}/deals/{ident}#lines")


routes = [deals_board, deal_move, deal_new, deal_create, deal_page, deal_lines]
