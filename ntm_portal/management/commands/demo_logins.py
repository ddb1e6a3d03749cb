from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ntm_portal.demo.accounts import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the portal is served.")

    def handle(self, *args, url: str, **options):
        existing = set(get_user_model().objects.values_list("username", flat=True))
        self.stdout.write(_("Demo accounts (shared password: %(password)s):") % {"password": DEMO_PASSWORD})
        for account in ACCOUNTS:
            if account.username not in existing:
                continue
            where = _("portal and admin (/admin/)") if account.can_use_admin else _("portal pages")
            self.stdout.write(f"  {account.username:<16} {account.full_name:<28} {where}")
        self.stdout.write(_("Open %(url)s") % {"url": url})
