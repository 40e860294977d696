"""Booking a request once its phone is confirmed, in the workspace behind the public link: with
the SMS code, or after the phone was shared in the salon's Telegram bot. The booking pages and
their JSON both call these; ``then(session, booked)`` runs in the same transaction (the JSON
describes the visit there) and its answer comes back with the booking."""

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request

from atrium.platform.http.auth import database
from atrium.verticals.salon.online import service as online_booking
from atrium.verticals.salon.online.workspace import PublicWorkspace, acting_owner, manage_url

Then = Callable[[Any, online_booking.Booked], Awaitable[Any]] | None


async def confirm_booking(
    request: Request, workspace: PublicWorkspace, request_id, code: str, then: Then = None
) -> tuple[online_booking.Booked, Any]:
    """Book with the code; a wrong code's try is counted (committed) before the 422."""
    db = database(request)
    workspace.require_open()
    owner = await acting_owner(db, workspace)
    refused = None
    async with db.tenant_transaction(workspace.schema) as session:
        try:
            booked = await online_booking.confirm_code(
                session,
                owner,
                request_id,
                code,
                secret_key=request.app.state.runtime.secret_key,
                manage_url=lambda token: manage_url(request, workspace.slug, token),
            )
        except online_booking.CodeRefused as error:
            refused = error
        else:
            return booked, await then(session, booked) if then else None
    raise refused


async def finish_booking(
    request: Request, workspace: PublicWorkspace, request_id, then: Then = None
) -> tuple[online_booking.Booked, Any]:
    """Book a request whose phone was confirmed in the salon's Telegram bot."""
    db = database(request)
    workspace.require_open()
    owner = await acting_owner(db, workspace)
    async with db.tenant_transaction(workspace.schema) as session:
        booked = await online_booking.finish_in_telegram(
            session,
            owner,
            request_id,
            manage_url=lambda token: manage_url(request, workspace.slug, token),
        )
        return booked, await then(session, booked) if then else None
