"""Vertical pack: Beauty salon — catalog and staff, the booking journal, online booking,
reminders, client cards with VIP status, loyalty cards, checkout with stock, staff results."""

from pathlib import Path

from atrium.platform.packs import Pack, PackNotice, PackPermission, PackSection
from atrium.verticals.salon import defaults, first_steps, models  # noqa: F401 (models: its tables)
from atrium.verticals.salon.catalog import api as catalog_api
from atrium.verticals.salon.catalog import pages as catalog_pages
from atrium.verticals.salon.checkout import api as checkout_api
from atrium.verticals.salon.checkout import pages as checkout_pages
from atrium.verticals.salon.clients import api as clients_api
from atrium.verticals.salon.clients import merging  # noqa: F401 (registers its merge step)
from atrium.verticals.salon.clients import pages as clients_pages
from atrium.verticals.salon.demo import service as demo
from atrium.verticals.salon.journal import api as journal_api
from atrium.verticals.salon.journal import pages as journal_pages
from atrium.verticals.salon.loyalty import api as loyalty_api
from atrium.verticals.salon.loyalty import pages as loyalty_pages
from atrium.verticals.salon.masters import api as masters_api
from atrium.verticals.salon.masters import pages as masters_pages
from atrium.verticals.salon.online import api as online_api
from atrium.verticals.salon.online import pages as online_pages
from atrium.verticals.salon.online import visit_pages
from atrium.verticals.salon.reminders import tasks as reminder_tasks
from atrium.verticals.salon.results import api as results_api
from atrium.verticals.salon.results import pages as results_pages
from atrium.verticals.salon.stock import api as stock_api
from atrium.verticals.salon.stock import pages as stock_pages

EVERYONE = frozenset({"owner", "admin", "manager", "employee"})
MANAGERS = frozenset({"owner", "admin", "manager"})

PACK = Pack(
    key="salon",
    names={"en": "Beauty salon", "ru": "Салон красоты"},
    folder=Path(__file__).parent,
    permissions={
        "salon.book": PackPermission("Book, move, cancel and check out visits", EVERYONE),
        "salon.manage": PackPermission(
            "Change salons, services, masters, hours, stock and loyalty rules", MANAGERS
        ),
        "salon.results": PackPermission("See staff results and commissions", MANAGERS),
    },
    sections=(
        PackSection("salon_journal", "Journal", "salon/journal"),
        PackSection("salon_clients", "Salon clients", "salon/clients", under="contacts"),
        PackSection("salon_results", "Staff results", "salon/results", "salon.results"),
        PackSection("salon_catalog", "Salon", "salon/catalog", "salon.manage"),
    ),
    api_routes=(
        *catalog_api.routes,
        *masters_api.routes,
        *stock_api.routes,
        *journal_api.routes,
        *checkout_api.routes,
        *loyalty_api.routes,
        *clients_api.routes,
        *results_api.routes,
    ),
    page_routes=(
        *journal_pages.routes,
        *checkout_pages.routes,
        *loyalty_pages.routes,
        *clients_pages.routes,
        *results_pages.routes,
        *catalog_pages.routes,
        *masters_pages.routes,
        *stock_pages.routes,
    ),
    public_routes=(*online_api.routes, *online_pages.routes, *visit_pages.routes),
    scan_due_work=reminder_tasks.scan_due_work,
    fill_demo=demo.fill_demo,
    demo_offer=defaults.DEMO_OFFER,
    clear_demo=demo.clear_demo,
    notification_kinds={"salon.stock_low": PackNotice("Stock running low", "salon.manage")},
    pipelines=defaults.PIPELINES,
    appeal_subjects=defaults.APPEAL_SUBJECTS,
    setup_steps=first_steps.SETUP_STEPS,
    field_labels={
        "service_id": "Service",
        "service_ids": "Services",
        "master_id": "Master",
        "location_id": "Salon",
    },
)
