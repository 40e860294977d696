"""The log of customer appeals: what the domain brings to the app, the worker and the schema."""

from pathlib import Path

from atrium.platform.components import Component, DueWork
from atrium.platform.crm.appeals import api, models, pages, service, settings_pages, subjects

COMPONENT = Component(
    key="appeals",
    folder=Path(__file__).parent,
    tables=(models,),
    api_routes=api.routes,
    page_routes=(*pages.routes, *settings_pages.routes),
    due_work=(DueWork(service.notice_overdue_complaints),),
    seed_trade=subjects.seed_appeal_subjects,
)
