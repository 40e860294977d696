"""Accounts, sign-in and API keys: what they bring to the app and the schema."""

from pathlib import Path

from atrium.platform.auth import api, api_sessions, key_pages, members_api, models
from atrium.platform.components import Component

COMPONENT = Component(
    key="auth",
    folder=Path(__file__).parent,
    tables=(models,),
    api_routes=(*api.routes, *api_sessions.routes, *members_api.routes),
    page_routes=key_pages.routes,
)
