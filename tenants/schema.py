"""Every table of the house: the shared registry and the workspace schema, as metadata."""

from sqlalchemy import MetaData

from atrium.platform.db import SharedBase, TenantBase
from atrium.platform.packs import registered_packs


def _load_models() -> None:
    # Importing the model modules registers their tables on the two metadata.
    import atrium.billing.subscriptions.models  # noqa: F401
    import atrium.platform.auth.models  # noqa: F401
    import atrium.platform.crm.activity_models  # noqa: F401
    import atrium.platform.crm.appeal_models  # noqa: F401
    import atrium.platform.crm.deal_models  # noqa: F401
    import atrium.platform.crm.import_models  # noqa: F401
    import atrium.platform.crm.lead_models  # noqa: F401
    import atrium.platform.crm.models  # noqa: F401
    import atrium.platform.crm.product_models  # noqa: F401
    import atrium.platform.crm.segment_models  # noqa: F401
    import atrium.platform.events.models  # noqa: F401
    import atrium.platform.jobs.models  # noqa: F401
    import atrium.platform.mail.models  # noqa: F401
    import atrium.platform.notify.models  # noqa: F401
    import atrium.platform.tenancy.models  # noqa: F401
    import atrium.tenants.models  # noqa: F401

    registered_packs()  # a pack's module imports its tables


def shared_metadata() -> MetaData:
    _load_models()
    return SharedBase.metadata


def tenant_metadata() -> MetaData:
    _load_models()
    return TenantBase.metadata
