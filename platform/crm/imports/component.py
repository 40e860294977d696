"""Imports of lists: what the domain brings to the app, the worker and the schema."""

from pathlib import Path

from atrium.platform.components import Component, DueWork
from atrium.platform.crm.imports import api, models, pages, service, tasks

COMPONENT = Component(
    key="imports",
    folder=Path(__file__).parent,
    tables=(models,),
    jobs=(tasks,),
    api_routes=api.routes,
    page_routes=pages.routes,
    due_work=(DueWork(service.rearm_stalled_imports),),
)
