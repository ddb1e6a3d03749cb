"""Account pages beyond Django's own: the lockout page of django-axes, password reset with its audit, and the
profile page where a user makes and revokes their API token."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from communes import access
from communes.audit import Kind, security_event_record
from ntm_portal.api import services as api_services


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page's place, saying why and for how long, with 429 Too Many Requests."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Answers the same whether or not the address belongs to an account; the audit says which."""

    def form_valid(self, form):
        self.extra_email_context = {"valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}
        response = super().form_valid(form)
        email = form.cleaned_data["email"]
        users = list(form.get_users(email)) or [None]
        for user in users:
            security_event_record(kind=Kind.PASSWORD_RESET_REQUEST, request=self.request, user=user, detail=email)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        security_event_record(kind=Kind.PASSWORD_RESET_COMPLETE, request=self.request, user=form.user)
        return response


def _profile(request: HttpRequest, *, new_key: str = "") -> HttpResponse:
    context = {
        "memberships": access.memberships(request.user),
        "is_admin": access.is_admin(request.user),
        "token": api_services.api_token_of(request.user),
        "new_key": new_key,
        "api_root": request.build_absolute_uri(reverse("api:assessment-list")),
    }
    return render(request, "registration/profile.html", context)


@login_required
@never_cache
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_token_create(request: HttpRequest) -> HttpResponse:
    """GET asks before a token is replaced; POST makes one and shows its key this once (the page is not kept)."""
    if request.method == "POST":
        token = api_services.api_token_create(actor=request.user, request=request)
        return _profile(request, new_key=token.key)
    if api_services.api_token_of(request.user) is None:
        return redirect("profile")
    return render(request, "registration/api_token_confirm.html", {"action": "replace"})


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    """GET asks; POST deletes the token: whatever used it is refused from then on."""
    if request.method == "POST":
        if api_services.api_token_revoke(actor=request.user, request=request):
            messages.success(request, _("Your API token was revoked."))
        return redirect("profile")
    if api_services.api_token_of(request.user) is None:
        return redirect("profile")
    return render(request, "registration/api_token_confirm.html", {"action": "revoke"})
