"""What Django and django-axes signal, recorded as security events: sign-ins, failures, lockouts, and changes
of an account's staff and superuser flags, groups and permissions wherever they are made (admin, shell,
commands). Memberships are recorded by the admin and the services that change them, which know who acted.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.template.defaultfilters import yesno
from django.utils.translation import gettext as _

from communes.audit import Kind, security_event_record

User = get_user_model()
ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    security_event_record(kind=Kind.SIGN_IN, request=request, user=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    security_event_record(kind=Kind.SIGN_OUT, request=request, user=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get(User.USERNAME_FIELD) or "")
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    security_event_record(kind=Kind.SIGN_IN_FAILED, request=request, user=user, username=username)


@receiver(user_locked_out)
def _locked_out(sender, request, username, **kwargs) -> None:
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    security_event_record(kind=Kind.LOCKOUT, request=request, user=user, username=username or "")


@receiver(pre_save, sender=User)
def _remember_access_flags(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(ACCESS_FLAGS)):
        return
    instance._access_flags_before = User._default_manager.filter(pk=instance.pk).values(*ACCESS_FLAGS).first()


@receiver(post_save, sender=User)
def _access_flags_changed(sender, instance, created, **kwargs) -> None:
    before = instance.__dict__.pop("_access_flags_before", None)
    if created:
        # A new account counts as a change from an active account without any access.
        before = {"is_active": True, "is_staff": False, "is_superuser": False}
    if before is None:
        return
    changes = [
        f"{User._meta.get_field(flag).verbose_name}: {yesno(before[flag])} → {yesno(getattr(instance, flag))}"
        for flag in ACCESS_FLAGS
        if before[flag] != getattr(instance, flag)
    ]
    if changes:
        security_event_record(kind=Kind.PERMISSION_CHANGE, user=instance, detail="; ".join(changes))


def _m2m_access_changed(*, label: str, instance, action: str, reverse: bool, model, pk_set) -> None:
    if action == "pre_clear":
        # Recorded as the removal of what is about to be cleared; afterwards nothing says what it was.
        cleared = instance.user_set.all() if reverse else model._default_manager.filter(user=instance)
        pk_set, action = set(cleared.values_list("pk", flat=True)), "post_remove"
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if reverse:
        # group.user_set.add(...) / permission.user_set.remove(...): `instance` is the group or permission.
        users = User._default_manager.filter(pk__in=pk_set)
        names = str(instance)
    else:
        users = [instance]
        names = ", ".join(str(obj) for obj in model._default_manager.filter(pk__in=pk_set))
    message = _("%(what)s added: %(names)s") if action == "post_add" else _("%(what)s removed: %(names)s")
    detail = message % {"what": label, "names": names}
    for user in users:
        security_event_record(kind=Kind.PERMISSION_CHANGE, user=user, detail=detail)


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    _m2m_access_changed(
        label=_("Groups"), instance=instance, action=action, reverse=reverse, model=model, pk_set=pk_set
    )


@receiver(m2m_changed, sender=User.user_permissions.through)
def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    _m2m_access_changed(
        label=_("Permissions"), instance=instance, action=action, reverse=reverse, model=model, pk_set=pk_set
    )
