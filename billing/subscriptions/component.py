"""Subscription billing: what it brings to the app, the worker and the schema."""

from atrium.billing.subscriptions import api, models, tasks
from atrium.platform.components import Component

COMPONENT = Component(
    key="billing",
    tables=(models,),
    jobs=(tasks,),
    api_routes=api.api_routes,
    public_routes=api.routes,  # Stripe's webhook
)
