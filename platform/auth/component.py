"""Accounts, sign-in and API keys: what they bring to the app and the schema."""

from atrium.platform.auth import api, api_sessions, members_api, models
from atrium.platform.components import Component

COMPONENT = Component(
    key="auth",
    tables=(models,),
    api_routes=(*api.routes, *api_sessions.routes, *members_api.routes),
)
