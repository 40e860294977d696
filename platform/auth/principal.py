"""Who is acting, in which workspace, with what rights: taken from a verified credential only."""

import uuid
from dataclasses import dataclass
from typing import Literal

from atrium.platform.auth.models import Role
from atrium.platform.auth.permissions import permissions_of
from atrium.platform.db import WorkspaceSchema
from atrium.platform.errors import Forbidden
from atrium.platform.language import Term
from atrium.platform.tenancy.entitlements import Entitlements


@dataclass(frozen=True)
class Workspace:
    id: uuid.UUID
    slug: str
    name: str
    schema: WorkspaceSchema
    locale: str
    vertical: str | None
    entitlements: Entitlements | None = None
    read_only: bool = False


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    email: str
    name: str
    workspace: Workspace
    role: Role
    via: Literal["api_key", "session"]
    api_key_id: uuid.UUID | None = None

    @property
    def permissions(self) -> frozenset[str]:
        return permissions_of(self.role)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(
                "Your role (%(role)s) does not allow %(permission)s.",
                role=Term(self.role.value.capitalize()),  # Owner, Admin, ... as pages name it
                permission=permission,
            )
