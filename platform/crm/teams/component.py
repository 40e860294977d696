"""Teams: what the domain brings to the app, the worker and the schema."""

from atrium.platform.components import Component
from atrium.platform.crm.teams import api, models

COMPONENT = Component(
    key="teams",
    tables=(models,),
    api_routes=api.routes,
)
