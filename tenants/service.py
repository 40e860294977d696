"""Signing up: a checked request becomes a provisioned workspace."""

import structlog
from sqlalchemy.exc import IntegrityError

from atrium.platform.auth.models import User
from atrium.platform.auth.service import principal_for_member
from atrium.platform.crm.demo.service import fill_demo_data
from atrium.platform.db import Database
from atrium.platform.errors import Conflict, DomainError
from atrium.tenants.provisioning import ProvisionedWorkspace, provision_workspace
from atrium.tenants.signup import (
    SignupRequest,
    check_vertical_and_locale,
    checked_company,
    ensure_email_free,
)

SLUG_RETRIES = 3
log = structlog.get_logger("atrium.signup")


async def sign_up(
    db: Database, request: SignupRequest, *, demo: bool = False
) -> ProvisionedWorkspace:
    """A ready workspace; with ``demo``, filled with the trade's demo data to look around."""
    async with db.shared_transaction() as session:
        await ensure_email_free(session, request.email)
    for attempt in range(SLUG_RETRIES):
        try:
            workspace = await provision_workspace(db, request)
            if demo:
                try:
                    await add_demo_data(db, workspace, request.vertical, request.locale)
                except DomainError:  # the workspace is ready; it only stays without demo data
                    log.exception("demo_data_failed", tenant=workspace.schema.name)
            return workspace
        except IntegrityError as error:
            # Two signups raced for the same e-mail or slug; step 1 rolled back whole.
            if "uq_users_email" in str(error.orig):
                raise Conflict(
                    "An account with %(email)s already exists; sign in to add a workspace.",
                    field="email",
                    email=request.email,
                ) from error
            if "uq_tenants_slug" not in str(error.orig) or attempt == SLUG_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


async def add_workspace(
    db: Database, owner: User, *, company: str, vertical: str, locale: str, demo: bool = False
) -> ProvisionedWorkspace:
    """Another workspace for a signed-in user, who owns it: the same provisioning as a signup,
    without a new account."""
    company = checked_company(company)
    check_vertical_and_locale(vertical, locale)
    request = SignupRequest(
        company=company,
        email=owner.email,
        password="",
        vertical=vertical,
        locale=locale,
        name=owner.name or "",
    )
    for attempt in range(SLUG_RETRIES):
        try:
            workspace = await provision_workspace(db, request, owner_id=owner.id)
        except IntegrityError as error:
            if "uq_tenants_slug" not in str(error.orig) or attempt == SLUG_RETRIES - 1:
                raise
            continue
        if demo:
            try:
                await add_demo_data(db, workspace, vertical, locale)
            except DomainError:
                log.exception("demo_data_failed", tenant=workspace.schema.name)
        return workspace
    raise AssertionError("unreachable")


async def add_demo_data(
    db: Database, workspace: ProvisionedWorkspace, vertical: str, locale: str
) -> int:
    """The demo records, made by the owner in the new workspace."""
    async with db.shared_transaction() as session:
        owner = await session.get(User, workspace.user_id)
        principal = await principal_for_member(session, owner, workspace.slug)
    async with db.tenant_transaction(workspace.schema) as session:
        return await fill_demo_data(session, principal, vertical, locale)
