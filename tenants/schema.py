"""Every table of the house: the shared registry and the workspace schema, as metadata."""

from sqlalchemy import MetaData

from atrium.platform.components import plugged
from atrium.platform.db import SharedBase, TenantBase


def _load_models() -> None:
    # Loading the components and packs imports the modules that declare their tables.
    plugged()


def shared_metadata() -> MetaData:
    _load_models()
    return SharedBase.metadata


def tenant_metadata() -> MetaData:
    _load_models()
    return TenantBase.metadata
