"""Account pages beyond Django's own: the lockout page of django-axes, and password reset with its audit."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communes.audit import Kind, security_event_record


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
