"""Notes on cards: what the domain brings to the app, the worker and the schema."""

from atrium.platform.components import Component
from atrium.platform.crm.notes import api, models

COMPONENT = Component(
    key="notes",
    tables=(models,),
    api_routes=api.routes,
)
