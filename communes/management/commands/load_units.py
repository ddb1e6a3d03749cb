"""`manage.py load_units --province "Cao Bằng"` or `--all`: load the official administrative maps."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from communes.unit_loading import MAPS, UnknownProvince, units_load

_BOTH = "both"


class Command(BaseCommand):
    help = "Load the three-tier map (until 30/6/2025) and the two-tier map (from 1/7/2025) into administrative units."

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--province", metavar="NAME", help='One province, e.g. "Cao Bằng" or "Tỉnh Cao Bằng".')
        scope.add_argument("--all", action="store_true", help="Every province of the country.")
        parser.add_argument(
            "--map", dest="map_name", choices=[*MAPS, _BOTH], default=_BOTH, help="Which map to load (default: both)."
        )

    def handle(self, *args, province: str | None, map_name: str, **options) -> None:
        maps = MAPS if map_name == _BOTH else (map_name,)
        try:
            report = units_load(province=province, maps=maps)
        except UnknownProvince as exc:
            if exc.close_names:
                raise CommandError(
                    _("Unknown province: %(name)s. Did you mean: %(choices)s?")
                    % {"name": exc.name, "choices": ", ".join(exc.close_names)}
                ) from exc
            raise CommandError(_("Unknown province: %(name)s.") % {"name": exc.name}) from exc
        for level, label in AdministrativeUnit.Level.choices:
            counts = report.levels[level]
            self.stdout.write(
                _("%(level)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {"level": label, **vars(counts)}
            )
        self.stdout.write(
            _("Successor links: %(created)d created, %(existing)d unchanged, %(skipped)d without their other unit")
            % {
                "created": report.successors_created,
                "existing": report.successors_existing,
                "skipped": report.successors_skipped,
            }
        )
        self.stdout.write(self.style.SUCCESS(_("Done in %(seconds).1f s.") % {"seconds": report.seconds}))
