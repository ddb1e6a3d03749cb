"""Writes of the security audit: one SecurityEvent per sign-in, lockout, change of access or download.

The receivers of communes/audit_signals.py call these for what Django and django-axes signal; views and the
admin call them for downloads, password resets and memberships.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from communes.models import Membership, SecurityEvent
from ntm_portal.client_address import client_address

Kind = SecurityEvent.Kind
DETAIL_LENGTH = SecurityEvent._meta.get_field("detail").max_length


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    by: AbstractBaseUser | None = None,
    detail: str = "",
) -> SecurityEvent:
    """Record an event about `user` (default: the request's signed-in user) from the request's address."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        by=by,
        address=client_address(request) if request is not None else None,
        detail=detail[:DETAIL_LENGTH],
    )


def _role_text(membership: Membership) -> str:
    return f"{membership.get_role_display()} · {membership.unit}"


def _membership_record(
    *, by: AbstractBaseUser, request: HttpRequest | None, membership: Membership, detail: str
) -> SecurityEvent:
    """Whose access changed (the member), by whom, which role on which unit (the detail)."""
    return security_event_record(
        kind=Kind.PERMISSION_CHANGE, request=request, user=membership.user, by=by, detail=detail
    )


def membership_created_record(
    *, by: AbstractBaseUser, request: HttpRequest | None = None, membership: Membership
) -> SecurityEvent:
    detail = _("Membership created: %(role)s") % {"role": _role_text(membership)}
    return _membership_record(by=by, request=request, membership=membership, detail=detail)


def membership_changed_record(
    *, by: AbstractBaseUser, request: HttpRequest | None = None, membership: Membership, before: str
) -> SecurityEvent:
    """`before` is str() of the row as it was: user, role and unit, since the admin may change any of them."""
    detail = _("Membership changed: %(before)s → %(after)s") % {"before": before, "after": membership}
    return _membership_record(by=by, request=request, membership=membership, detail=detail)


def membership_deleted_record(
    *, by: AbstractBaseUser, request: HttpRequest | None = None, membership: Membership
) -> SecurityEvent:
    detail = _("Membership deleted: %(role)s") % {"role": _role_text(membership)}
    return _membership_record(by=by, request=request, membership=membership, detail=detail)
