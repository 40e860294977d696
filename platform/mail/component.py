"""Mail: its log table and the delivery job."""

from atrium.platform.components import Component
from atrium.platform.mail import delivery, models

COMPONENT = Component(key="mail", tables=(models,), jobs=(delivery,))
