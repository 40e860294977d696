"""Tags and who may see a record: what every record kind shares, as the app sees it."""

from atrium.platform.components import Component
from atrium.platform.crm.records import models

COMPONENT = Component(
    key="records",
    tables=(models,),
)
