"""Authorisation rules as data: which role may do which action, under which condition.

``RULES[action][role]`` lists conditions; the action is allowed when any one holds:

- ``any``: always;
- ``own_org``: the resource belongs to the user's organisation;
- ``requester``: the access request was made by the user's organisation;
- ``published``: the product version is published;
- ``granted``: the caller's organisation holds a live grant (computed by the caller, see
  ``mfgdata.catalog.access.authorize``) and the version is published or retired;
- ``shared``: the caller's organisation is a member of a value-chain group the product is shared
  with through a live share (not revoked, not expired; computed by the caller, see
  ``mfgdata.catalog.access.rights``) and the version is verified or published.

``admin`` may do everything. A role that is not listed for an action is denied.
"""

from __future__ import annotations

from typing import Final

from mfgdata.db.tables import (
    AccessRequest,
    ApiToken,
    Grant,
    GroupShare,
    Job,
    Organisation,
    Product,
    ProductVersion,
    Upload,
    User,
)

Resource = (
    Product
    | ProductVersion
    | AccessRequest
    | Grant
    | GroupShare
    | Job
    | Upload
    | Organisation
    | User
    | ApiToken
)

_OWNER: Final = ("own_org",)
_ANY: Final = ("any",)

RULES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    # product metadata and versions
    "product.create": {"center_staff": _ANY, "member": _ANY},
    "product.edit": {"center_staff": _ANY, "member": _OWNER},
    "version.view": {
        "center_staff": _ANY,
        "member": ("own_org", "published", "shared"),
        "buyer": ("published", "shared"),
    },
    "version.verify": {"center_staff": _ANY, "member": _OWNER},
    "version.publish": {"center_staff": _ANY, "member": _OWNER},
    "version.retire": {"center_staff": _ANY, "member": _OWNER},
    "version.delete": {"member": _OWNER},
    # data: download and Open API rows need the owner, a grant or a live group share
    "version.download": {
        "center_staff": ("own_org", "granted", "shared"),
        "member": ("own_org", "granted", "shared"),
        "buyer": ("granted", "shared"),
    },
    "version.api": {
        "center_staff": ("own_org", "granted", "shared"),
        "member": ("own_org", "granted", "shared"),
        "buyer": ("granted", "shared"),
    },
    # access requests and grants
    "access.request": {"member": _ANY, "buyer": _ANY, "center_staff": _ANY},
    "access.decide": {"center_staff": _ANY, "member": _OWNER},
    "access.view": {
        "center_staff": _ANY,
        "member": ("own_org", "requester"),
        "buyer": ("requester",),
    },
    "grant.create": {"center_staff": _ANY, "member": _OWNER},
    "grant.revoke": {"center_staff": _ANY, "member": _OWNER},
    # value chains: staff run the groups; the owner shares its product with its own groups
    "valuechain.manage": {"center_staff": _ANY},
    "share.create": {"center_staff": _OWNER, "member": _OWNER},
    "share.revoke": {"center_staff": _OWNER, "member": _OWNER},
    # raw data and builds: strictly the organisation's own
    "upload.create": {"center_staff": _ANY, "member": _ANY},
    "upload.view": {"center_staff": _OWNER, "member": _OWNER},
    "job.create": {"center_staff": _ANY, "member": _ANY},
    "job.view": {"center_staff": _OWNER, "member": _OWNER},
    # accounts
    "token.create": {"center_staff": _ANY, "member": _ANY, "buyer": _ANY},
    "token.revoke": {"center_staff": _OWNER, "member": _OWNER, "buyer": _OWNER},
    "organisation.view": {"center_staff": _ANY, "member": _OWNER, "buyer": _OWNER},
    "user.view": {"center_staff": _OWNER, "member": _OWNER, "buyer": _OWNER},
    "user.create": {},
    "organisation.create": {},
    "audit.view": {},
}
ACTIONS: Final = tuple(sorted(RULES))
LISTED: Final = ("published", "retired")
SHARED: Final = ("verified", "published")  # = repositories.valuechain.SHARED_STATUSES


def owner_org_id(resource: Resource) -> int | None:
    """The organisation a resource belongs to (for tokens: the owner's user id is checked)."""
    if isinstance(resource, Product):
        return resource.owner_org_id
    if isinstance(resource, ProductVersion | Grant | GroupShare):
        return resource.product.owner_org_id
    if isinstance(resource, AccessRequest):
        return resource.product.owner_org_id
    if isinstance(resource, Job | Upload | User):
        return resource.org_id
    if isinstance(resource, Organisation):
        return resource.id
    return None


def _holds(
    condition: str, user: User, resource: Resource | None, granted: bool, shared: bool
) -> bool:
    if condition == "any":
        return True
    if resource is None:
        return False
    if condition == "own_org":
        if isinstance(resource, ApiToken):
            return resource.user_id == user.id
        return owner_org_id(resource) == user.org_id
    if condition == "requester":
        return isinstance(resource, AccessRequest) and resource.requester_org_id == user.org_id
    published = isinstance(resource, ProductVersion) and resource.status == "published"
    if condition == "published":
        return published
    if condition == "granted":  # a grant keeps working after the version is retired
        return granted and isinstance(resource, ProductVersion) and resource.status in LISTED
    if condition == "shared":
        return shared and isinstance(resource, ProductVersion) and resource.status in SHARED
    raise ValueError(f"unknown condition {condition!r}")


def can(
    user: User,
    action: str,
    resource: Resource | None = None,
    *,
    granted: bool = False,
    shared: bool = False,
) -> bool:
    """True when ``user`` may do ``action`` on ``resource`` (None for creation actions)."""
    if action not in RULES:
        raise ValueError(f"unknown action {action!r}")
    if not user.active:
        return False
    if user.role == "admin":
        return True
    conditions = RULES[action].get(user.role, ())
    return any(_holds(c, user, resource, granted, shared) for c in conditions)
