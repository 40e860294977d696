"""Contacts, the customer cards: what the domain brings to the app, the worker and the schema."""

from pathlib import Path

from atrium.platform.components import Component
from atrium.platform.crm.contacts import api, card_pages, models, pages

COMPONENT = Component(
    key="contacts",
    folder=Path(__file__).parent,
    tables=(models,),
    api_routes=api.routes,
    page_routes=(*pages.routes, *card_pages.routes),
)
