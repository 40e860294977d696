"""Reports: what the domain brings to the app, the worker and the schema."""

from pathlib import Path

from atrium.platform.components import Component
from atrium.platform.crm.reports import pages

COMPONENT = Component(
    key="reports",
    folder=Path(__file__).parent,
    page_routes=pages.routes,
)
