"""Events and their outbox: tables and the jobs that hand events to their handlers."""

from atrium.platform.components import Component
from atrium.platform.events import models, tasks

COMPONENT = Component(key="events", tables=(models,), jobs=(tasks,))
