"""Search, and picking records by typing: what the domain brings to the app."""

from pathlib import Path

from atrium.platform.components import Component
from atrium.platform.crm.search import api, pages, picker

COMPONENT = Component(
    key="search",
    folder=Path(__file__).parent,
    api_routes=api.routes,
    page_routes=(*pages.routes, *picker.routes),
)
