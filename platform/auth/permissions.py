"""Permissions are dotted strings; a role is a set of them. Guards check them per route."""

from functools import cache

from atrium.platform.auth.models import Role
from atrium.platform.packs import registered_packs

# Everything a workspace member can be allowed to do; packs add their own.
PERMISSIONS = {
    "workspace.read": "See the workspace's settings",
    "workspace.update": "Change the workspace's settings",
    "workspace.delete": "Delete the workspace",
    "members.read": "See who is in the workspace",
    "members.invite": "Invite people and revoke invitations",
    "members.manage": "Change members' roles and remove members",
    "api_keys.manage_own": "Create and revoke one's own API keys",
    "api_keys.manage_all": "See and revoke anyone's API keys in the workspace",
    "billing.manage": "Change the subscription and payment details",
    "crm.read": "See the records one owns or that are shared with one's teams",
    "crm.write": "Add and change customers and companies",
    "crm.delete": "Delete customers and companies",
    "crm.all_records": "See and change every record, not only one's own",
    "crm.team_records": "See and change what the members of one's teams own",
    "appeals.decide": "Write the manager's decision on an appeal",
    "leads.assign": "See the whole leads inbox and assign leads",
    "crm.settings": "Define custom fields",
    "campaigns.send": "Send e-mail and SMS campaigns to customers",
    "audit.read": "Read the audit trail",
}

# What every member may do with the records they own.
_MEMBER = frozenset(
    {"workspace.read", "members.read", "api_keys.manage_own", "crm.read", "crm.write"}
)

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OWNER: frozenset(PERMISSIONS),
    Role.ADMIN: frozenset(PERMISSIONS) - {"workspace.delete", "billing.manage"},
    Role.MANAGER: _MEMBER
    | {
        "crm.team_records",
        "crm.delete",
        "audit.read",
        "appeals.decide",
        "leads.assign",
        "campaigns.send",
    },
    Role.EMPLOYEE: _MEMBER,
}

# Who may grant which role: nobody hands out more than they have.
ASSIGNABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.OWNER: frozenset(Role),
    Role.ADMIN: frozenset({Role.ADMIN, Role.MANAGER, Role.EMPLOYEE}),
    Role.MANAGER: frozenset(),
    Role.EMPLOYEE: frozenset(),
}


@cache
def permissions_of(role: Role) -> frozenset[str]:
    """The role's core permissions and those the installed packs grant it."""
    granted = {
        permission
        for pack in registered_packs().values()
        for permission, rule in pack.permissions.items()
        if role.value in rule.roles
    }
    return ROLE_PERMISSIONS[role] | granted
