"""What every JSON API module shares: the principal and tenant session dependencies, and
fields left out of a PATCH (unset) told apart from fields set to null."""

from typing import Any

import msgspec
from litestar.di import Provide

from atrium.platform.http.auth import (
    provide_principal,
    provide_tenant_session,
)

UNSET = msgspec.UNSET

Unset = msgspec.UnsetType

DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "session": Provide(provide_tenant_session),
}


def given_fields(data: msgspec.Struct) -> dict[str, Any]:
    return {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if getattr(data, name) is not UNSET
    }
