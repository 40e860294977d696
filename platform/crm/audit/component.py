"""The audit trail: what the domain brings to the app, the worker and the schema."""

from atrium.platform.components import Component
from atrium.platform.crm.audit import api, models

COMPONENT = Component(
    key="audit",
    tables=(models,),
    api_routes=api.routes,
)
