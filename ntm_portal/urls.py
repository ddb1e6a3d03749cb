from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ntm_portal import health, views, views_accounts, views_import, views_jobs

admin.site.site_header = _("New Rural Areas Portal")
admin.site.site_title = _("NTM Portal")

# Sign-in, sign-out, password change and password reset by e-mail (EMAIL_* settings; a reset link expires after
# PASSWORD_RESET_TIMEOUT). No sign-up: accounts are created by the coordination office.
account_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views_accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views_accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("profile/", views_accounts.profile, name="profile"),
    path("profile/api-token/", views_accounts.api_token_create, name="api_token_create"),
    path("profile/api-token/revoke/", views_accounts.api_token_revoke, name="api_token_revoke"),
]

urlpatterns = [
    # Outside any language prefix and sign-in: load balancers and monitors call it.
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urlpatterns)),
    path("", views.home, name="home"),
    path("imports/", views_import.import_start, name="import_start"),
    path("imports/<int:batch_id>/", views_import.import_batch, name="import_batch"),
    path("imports/<int:batch_id>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("imports/<int:batch_id>/cancel/", views_import.import_cancel, name="import_cancel"),
    path("jobs/<int:job_id>/", views_jobs.download_job, name="download_job"),
    # The read-only API (ntm_portal/api): tokens are made on the profile page.
    path("api/v1/", include("ntm_portal.api.urls")),
    path("jobs/<int:job_id>/file/", views_jobs.download_job_file, name="download_job_file"),
    path("", include("communes.urls")),
    path("", include("criteria.urls")),
    path("", include("funding.urls")),
    path("", include("reports.urls")),
]
