"""Workspaces: what they bring to the app and the schema."""

from pathlib import Path

from atrium.platform.components import Component
from atrium.platform.tenancy import api, models, pages

COMPONENT = Component(
    key="tenancy",
    folder=Path(__file__).parent,
    tables=(models,),
    api_routes=api.routes,
    page_routes=pages.routes,
)
