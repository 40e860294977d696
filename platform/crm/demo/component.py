"""Demo data: what the domain brings to the app, the worker and the schema."""

from atrium.platform.components import Component
from atrium.platform.crm.demo import models

COMPONENT = Component(
    key="demo",
    tables=(models,),
)
