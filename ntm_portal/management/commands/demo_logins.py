from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ntm_portal.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from ntm_portal.home import start_of


class Command(BaseCommand):
    help = "Print the demo accounts, what each one does and where it starts, and their password."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the portal is served.")

    def handle(self, *args, url: str, **options):
        # What each login does and where it starts come from its roles, as on its home page.
        users = {
            user.username: user for user in get_user_model().objects.filter(username__in=[a.username for a in ACCOUNTS])
        }
        self.stdout.write(_("Demo accounts (shared password: %(password)s):") % {"password": DEMO_PASSWORD})
        for account in ACCOUNTS:
            user = users.get(account.username)
            start = start_of(user) if user is not None else None
            if start is None:
                continue
            self.stdout.write(f"  {account.username:<16} {account.full_name:<28} {start.duty}")
            where = _("Start here: %(url)s") % {"url": url.rstrip("/") + start.url}
            self.stdout.write(f"  {'':<16} {'':<28} {where}")
        self.stdout.write(_("Open %(url)s") % {"url": url})
