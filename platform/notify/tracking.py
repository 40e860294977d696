"""What recipients do with a campaign e-mail: the open pixel and the click counter (public,
by the message's token; a click goes only where the message's signed link said)."""

import base64
import hmac

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect

from atrium.platform.errors import NotFound
from atrium.platform.http.auth import database
from atrium.platform.notify.campaigns import link_signature, record_click, record_open
from atrium.platform.tenancy.service import ready_workspace

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@get("/t/{slug:str}/{token:str}/o.gif", include_in_schema=False)
async def opened(request: Request, slug: FromPath[str], token: FromPath[str]) -> Response:
    schema = await ready_workspace(database(request), slug)
    if schema is not None:
        async with database(request).tenant_transaction(schema) as session:
            await record_open(session, token[:40])
    return Response(PIXEL, media_type="image/gif", headers={"cache-control": "no-store"})


@get("/t/{slug:str}/{token:str}/c", include_in_schema=False)
async def clicked(request: Request, slug: FromPath[str], token: FromPath[str]) -> Redirect:
    url = request.query_params.get("u", "")
    signature = request.query_params.get("s", "")
    secret_key = request.app.state.runtime.secret_key
    schema = await ready_workspace(database(request), slug)
    if (
        schema is None
        or not url.startswith(("https://", "http://"))
        or not hmac.compare_digest(signature, link_signature(secret_key, token, url))
    ):
        raise NotFound("This link is not valid.")
    async with database(request).tenant_transaction(schema) as session:
        await record_click(session, token[:40])
    return Redirect(url, status_code=302)


routes = [opened, clicked]
