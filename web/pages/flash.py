"""One-shot messages after a form post ("The task is added.", or why it was refused).

The server sets them with its redirect in a signed cookie bound to the page redirected to; that
page shows the message once and clears the cookie. Nothing is read from the URL, so a crafted
link (``?notice=...``) cannot put words in the app's mouth."""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Literal

from litestar import Request, Response
from litestar.datastructures import Cookie

FLASH_COOKIE = "atrium_flash"
LIFETIME = 120  # seconds: the redirect is followed at once; an old cookie is ignored
MAX_TEXT = 1000  # a message, not a document: keeps the cookie far below the browsers' 4 KB

Kind = Literal["success", "error"]


@dataclass(frozen=True)
class Flash:
    text: str
    kind: Kind = "success"

    def __str__(self) -> str:
        return self.text


def _mac(secret_key: str, payload: bytes) -> str:
    key = hmac.new(secret_key.encode(), b"atrium-flash", hashlib.sha256).digest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _secret(request: Request) -> str:
    return request.app.state.runtime.secret_key


def flash_cookie(request: Request, path: str, text: str, kind: Kind) -> Cookie:
    """The cookie carrying ``text`` to the page at ``path`` (its query and fragment ignored)."""
    target = path.split("#", 1)[0].split("?", 1)[0]
    body = {"t": text[:MAX_TEXT], "k": kind, "p": target, "at": int(time.time())}
    payload = base64.urlsafe_b64encode(json.dumps(body, ensure_ascii=False).encode()).decode()
    return Cookie(
        key=FLASH_COOKIE,
        value=f"{payload}.{_mac(_secret(request), payload.encode())}",
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )


def take_flash(request: Request) -> Flash | None:
    """The message the server left for this page, if any (signed by us, fresh, for this path)."""
    raw = request.cookies.get(FLASH_COOKIE, "")
    payload, _, mac = raw.rpartition(".")
    if not payload or not hmac.compare_digest(mac, _mac(_secret(request), payload.encode())):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    if body.get("p") != request.url.path or time.time() - body.get("at", 0) > LIFETIME:
        return None
    return Flash(str(body.get("t", "")), "error" if body.get("k") == "error" else "success")


def forget_flash(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/")
