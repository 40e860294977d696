"""Deals on pipelines: what the domain brings to the app, the worker and the schema."""

from pathlib import Path

from atrium.platform.components import Component
from atrium.platform.crm.deals import api, models, pages, pipeline_pages, pipelines

COMPONENT = Component(
    key="deals",
    folder=Path(__file__).parent,
    tables=(models,),
    api_routes=api.routes,
    page_routes=(*pages.routes, *pipeline_pages.routes),
    seed_trade=pipelines.seed_default_pipelines,
)
