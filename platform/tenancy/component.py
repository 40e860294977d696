"""Workspaces: what they bring to the app and the schema."""

from atrium.platform.components import Component
from atrium.platform.tenancy import api, models

COMPONENT = Component(key="tenancy", tables=(models,), api_routes=api.routes)
