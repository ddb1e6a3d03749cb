"""Writes of the API: a user's token, made and revoked on their profile page, each recorded as a security event in
the same transaction. One token a user (rest_framework.authtoken); making a new one replaces the old at once."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from communes.audit import Kind, security_event_record


def api_token_of(user: AbstractBaseUser) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def api_token_create(*, actor: AbstractBaseUser, request: HttpRequest | None = None) -> Token:
    """A new token for the actor; the one they had stops working."""
    replaced, _kinds = Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    detail = _("The previous token was replaced.") if replaced else ""
    security_event_record(kind=Kind.API_TOKEN_CREATED, request=request, user=actor, detail=detail)
    return token


@transaction.atomic
def api_token_revoke(*, actor: AbstractBaseUser, request: HttpRequest | None = None) -> bool:
    """Delete the actor's token (False: they had none, and nothing is recorded)."""
    deleted, _kinds = Token.objects.filter(user=actor).delete()
    if deleted:
        security_event_record(kind=Kind.API_TOKEN_REVOKED, request=request, user=actor)
    return bool(deleted)
