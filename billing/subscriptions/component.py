"""Subscription billing: what it brings to the app, the worker and the schema."""

from pathlib import Path

from atrium.billing.subscriptions import api, models, pages, tasks
from atrium.platform.components import Component

COMPONENT = Component(
    key="billing",
    folder=Path(__file__).parent,
    tables=(models,),
    jobs=(tasks,),
    api_routes=api.api_routes,
    page_routes=pages.routes,
    public_routes=api.routes,  # Stripe's webhook
)
