"""A new salon's first steps on the home page, each done once the salon has what it asks for."""

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.overview.service import has_any
from atrium.platform.packs import SetupStep
from atrium.verticals.salon.models import Master, Service, Visit

SETUP_STEPS = (
    SetupStep("Add your services and prices", "salon/catalog/services", has_any(Service)),
    SetupStep("Add your masters and their hours", "salon/catalog/masters", has_any(Master)),
    SetupStep("Add your first client", "contacts/new", has_any(Contact)),
    SetupStep("Book the first visit", "salon/journal/new", has_any(Visit)),
)
