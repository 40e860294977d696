"""/api/v1/companies."""

import uuid

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.companies import service as companies
from atrium.platform.crm.companies.schemas import CompanyIn, CompanyList, CompanyOut
from atrium.platform.crm.teams.sharing import members_for
from atrium.platform.http.auth import database, requires
from atrium.platform.http.kit import DEPENDENCIES, given_fields


def _company_out(card: companies.CompanyCard) -> CompanyOut:
    company = card.company
    return CompanyOut(
        id=company.id,
        name=company.name,
        legal_name=company.legal_name,
        tax_id=company.tax_id,
        phone=company.phone,
        email=company.email,
        website=company.website,
        address=company.address,
        owner_id=company.owner_id,
        team_id=company.team_id,
        notes=company.notes,
        tags=card.tags,
        custom=company.custom,
        created_at=company.created_at,
        updated_at=company.updated_at,
    )


class CompanyController(Controller):
    path = "/companies"
    tags = ["Companies"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")], summary="Companies the caller may see")
    async def list_companies(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        q: FromQuery[str | None] = None,
        tag: FromQuery[str | None] = None,
        sort: FromQuery[str] = "name",
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> CompanyList:
        page = await companies.list_companies(
            session, principal, q=q, tag=tag, sort=sort, cursor=cursor, limit=limit
        )
        return CompanyList(
            items=[_company_out(card) for card in page.items], next_cursor=page.next_cursor
        )

    @post("/", guards=[requires("crm.write")], summary="Add a company")
    async def create_company(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[CompanyIn],
    ) -> CompanyOut:
        members = await members_for(database(request), principal, data.owner_id)
        card = await companies.create_company(
            session, principal, given_fields(data), members=members
        )
        return _company_out(card)

    @get("/{company_id:uuid}", guards=[requires("crm.read")])
    async def show_company(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        company_id: FromPath[uuid.UUID],
    ) -> CompanyOut:
        return _company_out(await companies.company_card(session, principal, company_id))

    @patch("/{company_id:uuid}", guards=[requires("crm.write")])
    async def change_company(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        company_id: FromPath[uuid.UUID],
        data: JSONBody[CompanyIn],
    ) -> CompanyOut:
        members = await members_for(database(request), principal, data.owner_id)
        card = await companies.update_company(
            session, principal, company_id, given_fields(data), members=members
        )
        return _company_out(card)

    @delete("/{company_id:uuid}", guards=[requires("crm.delete")], status_code=204)
    async def delete_company(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        company_id: FromPath[uuid.UUID],
    ) -> None:
        await companies.delete_company(session, principal, company_id)


routes = [CompanyController]
