"""Tags, who may see a record, and the lists' filters and bulk actions: what every record kind
shares, as the app sees it."""

from pathlib import Path

from atrium.platform.components import Component
from atrium.platform.crm.records import models

COMPONENT = Component(
    key="records",
    folder=Path(__file__).parent,
    tables=(models,),
)
