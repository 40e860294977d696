"""Signing up: a checked request becomes a provisioned workspace."""

from sqlalchemy.exc import IntegrityError

from atrium.platform.db import Database
from atrium.platform.errors import Conflict
from atrium.tenants.provisioning import ProvisionedWorkspace, provision_workspace
from atrium.tenants.signup import SignupRequest, ensure_email_free

SLUG_RETRIES = 3


async def sign_up(db: Database, request: SignupRequest) -> ProvisionedWorkspace:
    async with db.shared_transaction() as session:
        await ensure_email_free(session, request.email)
    for attempt in range(SLUG_RETRIES):
        try:
            return await provision_workspace(db, request)
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
