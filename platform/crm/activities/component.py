"""Tasks, calls and meetings: what the domain brings to the app, the worker and the schema."""

from pathlib import Path

from atrium.platform.components import Component, DueWork
from atrium.platform.crm.activities import api, models, pages, service

COMPONENT = Component(
    key="activities",
    folder=Path(__file__).parent,
    tables=(models,),
    api_routes=api.routes,
    page_routes=pages.routes,
    due_work=(DueWork(service.remind_due_tasks, held_in_quiet_hours=True),),
)
