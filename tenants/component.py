"""Sign-up and the registry of workspaces: what they bring to the app and the schema."""

from atrium.platform.components import Component
from atrium.tenants import api, models

COMPONENT = Component(key="tenants", tables=(models,), api_routes=api.routes)
