from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Administrative units")

    def ready(self) -> None:
        from communes import audit_signals  # noqa: F401  (connects the security-event receivers)
