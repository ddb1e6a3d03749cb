"""`manage.py propose_memberships [--dry-run]`: propose memberships on the two-tier map for accounts on closed units."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from communes.models import Membership
from communes.services import membership_proposals_build, membership_proposals_plan


class Command(BaseCommand):
    help = (
        "Propose, for every membership on a unit closed on 30/6/2025, the membership on its successors. "
        "Nothing changes until an administrator accepts each proposal in the admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print the proposals without storing them.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        if dry_run:
            rows = membership_proposals_plan()
            existing = 0
        else:
            rows, existing = membership_proposals_build()
        for row in rows:
            self.stdout.write(
                _("%(user)s: %(old_role)s · %(old_unit)s → %(role)s · %(unit)s%(optional)s")
                % {
                    "user": row.membership.user.get_username(),
                    "old_role": row.membership.get_role_display(),
                    "old_unit": row.membership.unit,
                    "role": Membership.Role(row.role).label,
                    "unit": row.unit,
                    "optional": _(" (optional)") if row.optional else "",
                }
            )
        if dry_run:
            self.stdout.write(_("%(count)d proposals (dry run: nothing stored).") % {"count": len(rows)})
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(new)d new proposals, %(existing)d already proposed. An administrator accepts each one.")
                    % {"new": len(rows), "existing": existing}
                )
            )
