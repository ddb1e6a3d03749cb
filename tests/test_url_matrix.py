"""The authorisation matrix: every URL pattern of the URLconf has a row, and every row's answers hold.

A row names a pattern by its URL name ("criteria:entry"; shell wildcards for families such as "admin:*"), says
how to build its address for each target, and gives the expected answer of every persona to GET and to POST
as a table. Targets are the objects of tests/url_matrix_world.py, on each side of a boundary:

- commune pages: A (commune A), B (its sibling), district (their parent, not a commune), foreign (Bắc Kạn);
- evidence: A, B, foreign (waiting for review), the deleted items A_deleted, B_deleted, foreign_deleted, and
  the rejected ones A_rejected, B_rejected, foreign_rejected (only those are replaced);
- reports: P, D, F (drafts of Cao Bằng, of Huyện Hoà An, of Bắc Kạn), PI, FI (issued ones of Cao Bằng and
  Bắc Kạn); render jobs and import batches: P, D, F (those of province staff, district staff, Bắc Kạn staff);
- criteria sets: national, own (Cao Bằng's), foreign (Bắc Kạn's); pages with ?unit=: page (none asked for),
  province, district, A, foreign (Bắc Kạn);
- "page" alone: a URL without an object.

Answers: 200, 400, 403, 404, 405; `login` is a redirect to the sign-in page, `adminlogin` to the admin's;
`302` a redirect elsewhere. A `+` after an answer says the POST changed what the row's `state` reads (the
valid body of `body` was applied); every other answer asserts that nothing changed. The answers are written
out here, never read from communes/access.py, so that a wrong permission there makes this test fail.

To add a row for a new URL: append `Row("app:name", url=…, get=…, post=…)` to ROWS, with a table (copy the
closest one; its header lists the targets) or `every("200")`; for a POST that writes, a `body` and a `state`.
A row with `optional=True` is skipped while its URL name is not in the URLconf (password reset, below).
"""

import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import path, reverse
from rest_framework.authtoken.models import Token

from communes.models import BoundaryUpload
from criteria import forms_sets
from criteria.models import CriteriaSet, Criterion, Evidence, Indicator, Recognition, Target
from ntm_portal.models import ImportBatch
from reports.forms import ReportEditForm
from reports.models import RenderJob, Report
from tests.boundary_files import squares
from tests.criteria.test_criteria_sets import SOURCE
from tests.criteria.test_views_sets import threshold_post
from tests.url_matrix_world import (
    IMPORT_YEAR,
    YEAR,
    MatrixWorld,
    build_matrix_world,
    first_criterion,
    last_criterion,
    number_indicator,
    png,
    results_file,
)
from tests.url_walk import Pattern, covers, unmatched, url_patterns

ROLES = (
    "anonymous",
    "province_staff",
    "district_staff",
    "official_a",
    "official_b",
    "leader",
    "admin",
    "other_province_staff",
    "other_official",
)
LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"


# ---------------------------------------------------------------- tables of answers


@dataclass(frozen=True)
class Table:
    targets: tuple[str, ...]
    cells: dict[str, dict[str, str]]

    def answer(self, role: str, target: str) -> str:
        return self.cells[role][target]

    def renamed(self, *targets: str) -> "Table":
        """The same answers for other targets in the same places (rejected evidence rather than pending)."""
        names = dict(zip(self.targets, targets, strict=True))
        return Table(targets, {role: {names[t]: code for t, code in row.items()} for role, row in self.cells.items()})


def table(text: str) -> Table:
    """A table written as text: a header of targets, then a line per persona."""
    header, *lines = (line.split() for line in text.strip().splitlines())
    cells = {role: dict(zip(header, answers, strict=True)) for role, *answers in lines}
    assert tuple(cells) == ROLES, f"a table needs a line per persona, in this order: {ROLES}"
    return Table(tuple(header), cells)


@dataclass(frozen=True)
class Every:
    """One answer for every signed-in persona and target; signed-out visitors are sent to sign in."""

    code: str
    anonymous: str = "login"

    def answer(self, role: str, target: str) -> str:
        return self.anonymous if role == "anonymous" else self.code


def every(code: str, *, anonymous: str = "login") -> Every:
    return Every(code, anonymous)


# Pages of a commune: anyone whose scope holds it; nothing of the district's id (it is no commune).
COMMUNE_SEEN = table("""
                      A     B     district foreign
anonymous             login login login    login
province_staff        200   200   404      404
district_staff        200   200   404      404
official_a            200   404   404      404
official_b            404   200   404      404
leader                200   200   404      404
admin                 200   200   404      200
other_province_staff  404   404   404      200
other_official        404   404   404      200
""")
# Entering results: the offices and the commune's own official; leaders only read.
COMMUNE_ENTERED = table("""
                      A     B     district foreign
anonymous             login login login    login
province_staff        200   200   404      404
district_staff        200   200   404      404
official_a            200   404   404      404
official_b            404   200   404      404
leader                404   404   404      404
admin                 200   200   404      200
other_province_staff  404   404   404      200
other_official        404   404   404      200
""")
ENTRY_SAVED = table("""
                      A     B     district foreign
anonymous             login login login    login
province_staff        302+  302+  404      404
district_staff        302+  302+  404      404
official_a            302+  404   404      404
official_b            404   302+  404      404
leader                404   404   404      404
admin                 302+  302+  404      302+
other_province_staff  404   404   404      302+
other_official        404   404   404      302+
""")
# Submitting: a leader who sees the commune is told the step is not possible (nothing changes).
SUBMITTED = table("""
                      A     B     district foreign
anonymous             login login login    login
province_staff        302+  302+  404      404
district_staff        302+  302+  404      404
official_a            302+  404   404      404
official_b            404   302+  404      404
leader                302   302   404      404
admin                 302+  302+  404      302+
other_province_staff  404   404   404      302+
other_official        404   404   404      302+
""")
EVIDENCE_FILES = table("""
                      A     B     foreign A_deleted
anonymous             login login login   login
province_staff        200   200   404     200
district_staff        200   200   404     200
official_a            200   404   404     404
official_b            404   200   404     404
leader                200   200   404     404
admin                 200   200   200     200
other_province_staff  404   404   200     404
other_official        404   404   200     404
""")
EVIDENCE_REVIEWED = table("""
                      A     B     foreign
anonymous             login login login
province_staff        302+  302+  404
district_staff        302+  302+  404
official_a            404   404   404
official_b            404   404   404
leader                404   404   404
admin                 302+  302+  302+
other_province_staff  404   404   302+
other_official        404   404   404
""")
EVIDENCE_RESTORED = table("""
                      A_deleted B_deleted foreign_deleted
anonymous             login     login     login
province_staff        302+      302+      404
district_staff        302+      302+      404
official_a            404       404       404
official_b            404       404       404
leader                404       404       404
admin                 302+      302+      302+
other_province_staff  404       404       302+
other_official        404       404       404
""")
EVIDENCE_CHANGED = table("""
                      A     B     foreign
anonymous             login login login
province_staff        302+  302+  404
district_staff        302+  302+  404
official_a            302+  404   404
official_b            404   302+  404
leader                404   404   404
admin                 302+  302+  302+
other_province_staff  404   404   302+
other_official        404   404   302+
""")
EVIDENCE_DELETE_ASKED = table("""
                      A     B     foreign
anonymous             login login login
province_staff        200   200   404
district_staff        200   200   404
official_a            200   404   404
official_b            404   200   404
leader                404   404   404
admin                 200   200   200
other_province_staff  404   404   200
other_official        404   404   200
""")
# Import pages: the uploader's alone, and the administrators'.
BATCH_SEEN = table("""
                      P     D     F
anonymous             login login login
province_staff        200   404   404
district_staff        404   200   404
official_a            404   404   404
official_b            404   404   404
leader                404   404   404
admin                 200   200   200
other_province_staff  404   404   200
other_official        404   404   404
""")
# Confirming imports the rows; the administrator imports Bắc Kạn staff's file of a Cao Bằng commune too.
BATCH_CONFIRMED = table("""
                      P     D     F
anonymous             login login login
province_staff        302+  404   404
district_staff        404   302+  404
official_a            404   404   404
official_b            404   404   404
leader                404   404   404
admin                 302+  302+  302+
other_province_staff  404   404   302+
other_official        404   404   404
""")
OFFICES_ONLY = table("""
                      page
anonymous             login
province_staff        200
district_staff        200
official_a            404
official_b            404
leader                404
admin                 200
other_province_staff  200
other_official        404
""")
IMPORT_UPLOADED = table("""
                      page
anonymous             login
province_staff        302+
district_staff        302+
official_a            404
official_b            404
leader                404
admin                 302+
other_province_staff  302+
other_official        404
""")
# Commune boundaries: province staff upload their own province's (administrators any province's).
BOUNDARY_EDITORS = table("""
                      page
anonymous             login
province_staff        200
district_staff        404
official_a            404
official_b            404
leader                404
admin                 200
other_province_staff  200
other_official        404
""")
BOUNDARY_UPLOADED = table("""
                      page
anonymous             login
province_staff        302+
district_staff        404
official_a            404
official_b            404
leader                404
admin                 302+
other_province_staff  302+
other_official        404
""")
# A boundary file waiting for confirmation: its uploader's alone, and the administrators'.
BOUNDARY_FILE_SEEN = table("""
                      P     F
anonymous             login login
province_staff        200   404
district_staff        404   404
official_a            404   404
official_b            404   404
leader                404   404
admin                 200   200
other_province_staff  404   200
other_official        404   404
""")
BOUNDARY_FILE_CONFIRMED = table("""
                      P     F
anonymous             login login
province_staff        302+  404
district_staff        404   404
official_a            404   404
official_b            404   404
leader                404   404
admin                 302+  302+
other_province_staff  404   302+
other_official        404   404
""")
# ?unit= of the grid and its export: provinces and districts in scope (a commune is no grid).
GRID_UNITS = table("""
                      page  province district A     foreign
anonymous             login login    login    login login
province_staff        200   200      200      404   404
district_staff        200   404      200      404   404
official_a            200   404      404      404   404
official_b            200   404      404      404   404
leader                200   200      200      404   404
admin                 200   200      200      404   200
other_province_staff  200   404      404      404   200
other_official        200   404      404      404   404
""")
EXPORT_UNITS = table("""
                      page  province district A     foreign
anonymous             login login    login    login login
province_staff        200   200      200      404   404
district_staff        200   404      200      404   404
official_a            404   404      404      404   404
official_b            404   404      404      404   404
leader                200   200      200      404   404
admin                 200   200      200      404   200
other_province_staff  200   404      404      404   200
other_official        404   404      404      404   404
""")
# ?unit= of the dashboard and the funding page: any unit in scope, a commune too.
SCOPE_UNITS = table("""
                      page  province district A     foreign
anonymous             login login    login    login login
province_staff        200   200      200      200   404
district_staff        200   404      200      200   404
official_a            200   404      404      200   404
official_b            200   404      404      404   404
leader                200   200      200      200   404
admin                 200   200      200      200   200
other_province_staff  200   404      404      404   200
other_official        200   404      404      404   404
""")
# A new report, for the unit the form names: the user's own provinces or districts only.
REPORT_CREATED = table("""
                      province district foreign
anonymous             login    login    login
province_staff        302+     200      200
district_staff        200      302+     200
official_a            404      404      404
official_b            404      404      404
leader                404      404      404
admin                 302+     200      302+
other_province_staff  200      200      302+
other_official        404      404      404
""")
# Drafts for those who write their unit's reports; issued reports for everyone whose scope holds the unit.
REPORT_SEEN = table("""
                      P     D     F     PI    FI
anonymous             login login login login login
province_staff        200   200   404   200   404
district_staff        404   200   404   404   404
official_a            404   404   404   404   404
official_b            404   404   404   404   404
leader                404   404   404   200   404
admin                 200   200   200   200   200
other_province_staff  404   404   200   404   200
other_official        404   404   404   404   404
""")
REPORT_SAVED = table("""
                      P     D     F     PI    FI
anonymous             login login login login login
province_staff        302+  302+  404   200   404
district_staff        404   302+  404   404   404
official_a            404   404   404   404   404
official_b            404   404   404   404   404
leader                404   404   404   200   404
admin                 302+  302+  302+  200   200
other_province_staff  404   404   302+  404   200
other_official        404   404   404   404   404
""")
DRAFT_ACTION_ASKED = table("""
                      P     D     F     PI    FI
anonymous             login login login login login
province_staff        200   200   404   404   404
district_staff        404   200   404   404   404
official_a            404   404   404   404   404
official_b            404   404   404   404   404
leader                404   404   404   404   404
admin                 200   200   200   404   404
other_province_staff  404   404   200   404   404
other_official        404   404   404   404   404
""")
DRAFT_ACTION_TAKEN = table("""
                      P     D     F     PI    FI
anonymous             login login login login login
province_staff        302+  302+  404   404   404
district_staff        404   302+  404   404   404
official_a            404   404   404   404   404
official_b            404   404   404   404   404
leader                404   404   404   404   404
admin                 302+  302+  302+  404   404
other_province_staff  404   404   302+  404   404
other_official        404   404   404   404   404
""")
ISSUED_FILE = table("""
                      P     D     F     PI    FI
anonymous             login login login login login
province_staff        404   404   404   200   404
district_staff        404   404   404   404   404
official_a            404   404   404   404   404
official_b            404   404   404   404   404
leader                404   404   404   200   404
admin                 404   404   404   200   200
other_province_staff  404   404   404   404   200
other_official        404   404   404   404   404
""")
# A render job is its requester's alone (and the administrators').
JOB_SEEN = BATCH_SEEN
# Retrying a finished job: its requester and the administrators are sent back to it (with "only a failed job"),
# and nothing is started; everyone else finds no job.
JOB_RETRY_REFUSED = table("""
                      P     D     F
anonymous             login login login
province_staff        302   404   404
district_staff        404   302   404
official_a            404   404   404
official_b            404   404   404
leader                404   404   404
admin                 302   302   302
other_province_staff  404   404   302
other_official        404   404   404
""")
# The criteria-set editor: province staff and administrators; national sets are the administrators' to change.
SETS_OPENED = table("""
                      page
anonymous             login
province_staff        200
district_staff        404
official_a            404
official_b            404
leader                404
admin                 200
other_province_staff  200
other_official        404
""")
SETS_IMPORT_EMPTY = table("""
                      page
anonymous             login
province_staff        400
district_staff        404
official_a            404
official_b            404
leader                404
admin                 400
other_province_staff  400
other_official        404
""")
SET_CREATED_IN = table("""
                      own   foreign
anonymous             login login
province_staff        302+  200
district_staff        404   404
official_a            404   404
official_b            404   404
leader                404   404
admin                 302+  302+
other_province_staff  200   302+
other_official        404   404
""")
SET_SEEN = table("""
                      national own   foreign
anonymous             login    login login
province_staff        200      200   404
district_staff        404      404   404
official_a            404      404   404
official_b            404      404   404
leader                404      404   404
admin                 200      200   200
other_province_staff  200      404   200
other_official        404      404   404
""")
SET_COPIED = table("""
                      national own   foreign
anonymous             login    login login
province_staff        302+     302+  404
district_staff        404      404   404
official_a            404      404   404
official_b            404      404   404
leader                404      404   404
admin                 302+     302+  302+
other_province_staff  302+     404   302+
other_official        404      404   404
""")
SET_EDITED_ASK = table("""
                      national own   foreign
anonymous             login    login login
province_staff        404      200   404
district_staff        404      404   404
official_a            404      404   404
official_b            404      404   404
leader                404      404   404
admin                 200      200   200
other_province_staff  404      404   200
other_official        404      404   404
""")
SET_EDITED = table("""
                      national own   foreign
anonymous             login    login login
province_staff        404      302+  404
district_staff        404      404   404
official_a            404      404   404
official_b            404      404   404
leader                404      404   404
admin                 302+     302+  302+
other_province_staff  404      404   302+
other_official        404      404   404
""")
# Recognitions and targets: province staff record them (and administrators); whoever sees the unit reads.
RECOGNITION_RECORDED = table("""
                      A     B     district foreign
anonymous             login login login    login
province_staff        302+  302+  404      404
district_staff        404   404   404      404
official_a            404   404   404      404
official_b            404   404   404      404
leader                404   404   404      404
admin                 302+  302+  404      302+
other_province_staff  404   404   404      302+
other_official        404   404   404      404
""")
RECOGNITION_ASKED = table("""
                      A     B     foreign
anonymous             login login login
province_staff        200   200   404
district_staff        404   404   404
official_a            404   404   404
official_b            404   404   404
leader                404   404   404
admin                 200   200   200
other_province_staff  404   404   200
other_official        404   404   404
""")
RECOGNITION_CHANGED = table("""
                      A     B     foreign
anonymous             login login login
province_staff        302+  302+  404
district_staff        404   404   404
official_a            404   404   404
official_b            404   404   404
leader                404   404   404
admin                 302+  302+  302+
other_province_staff  404   404   302+
other_official        404   404   404
""")
TARGETS_SEEN = table("""
                      province district A     foreign
anonymous             login    login    login login
province_staff        200      200      404   404
district_staff        404      200      404   404
official_a            404      404      404   404
official_b            404      404      404   404
leader                200      200      404   404
admin                 200      200      404   200
other_province_staff  404      404      404   200
other_official        404      404      404   404
""")
TARGETS_SET = table("""
                      province district A     foreign
anonymous             login    login    login login
province_staff        302+     302+     404   404
district_staff        404      404      404   404
official_a            404      404      404   404
official_b            404      404      404   404
leader                404      404      404   404
admin                 302+     302+     404   302+
other_province_staff  404      404      404   302+
other_official        404      404      404   404
""")


# The API answers 401 to anonymous callers (no redirect: a program calls it) and reads no more than the pages.
def for_api(answers: Table) -> Table:
    return Table(answers.targets, {**answers.cells, "anonymous": dict.fromkeys(answers.targets, "401")})


API_EVERY = every("200", anonymous="401")
API_WRITE = every("405", anonymous="401")
API_SCOPE_UNITS = for_api(SCOPE_UNITS)
API_ROW_SEEN = table("""
                      A     B     foreign
anonymous             401   401   401
province_staff        200   200   404
district_staff        200   200   404
official_a            200   404   404
official_b            404   200   404
leader                200   200   404
admin                 200   200   200
other_province_staff  404   404   200
other_official        404   404   200
""")
# The matrix world has a recognition and a target of commune A alone.
API_ROW_OF_A = Table(("A",), {role: {"A": row["A"]} for role, row in API_ROW_SEEN.cells.items()})
API_UNIT_SEEN = table("""
                      A     B     district foreign
anonymous             401   401   401      401
province_staff        200   200   200      404
district_staff        200   200   200      404
official_a            200   404   404      404
official_b            404   200   404      404
leader                200   200   200      404
admin                 200   200   200      200
other_province_staff  404   404   404      200
other_official        404   404   404      200
""")
# National sets for everyone with a unit; a province's own for those whose units lie in it.
API_SET_SEEN = table("""
                      national own   foreign
anonymous             401      401   401
province_staff        200      200   404
district_staff        200      200   404
official_a            200      200   404
official_b            200      200   404
leader                200      200   404
admin                 200      200   200
other_province_staff  200      404   200
other_official        200      404   200
""")


# ---------------------------------------------------------------- rows


def nothing(mw: MatrixWorld, target: str, role: str) -> dict:
    return {}


@dataclass(frozen=True)
class Row:
    key: str
    url: Callable[[MatrixWorld, str], str]
    get: Table | Every
    post: Table | Every
    targets: tuple[str, ...] = ("page",)
    body: Callable[[MatrixWorld, str, str], dict] = nothing
    state: Callable[[MatrixWorld, str], object] | None = None
    optional: bool = False  # skipped while the URL name is not in the URLconf

    def __post_init__(self):
        for answers in (self.get, self.post):
            if isinstance(answers, Table):
                assert answers.targets == self.targets, f"{self.key}: the table's targets are not the row's"


def page(name: str, **kwargs) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs=kwargs)


def commune(name: str, **extra) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"unit_id": mw.communes[target].pk, "year": YEAR, **extra})


def evidence(name: str) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"evidence_id": mw.evidence[target].pk})


def report(name: str, **extra) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"report_id": mw.reports[target].pk, **extra})


def job(name: str) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"job_id": mw.jobs[target].pk})


def download(name: str) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"job_id": mw.downloads[target].pk})


def batch(name: str) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"batch_id": mw.batches[target].pk})


def criteria_set(name: str, item: Callable[[CriteriaSet], dict] = lambda s: {}) -> Callable:
    return lambda mw, target: reverse(name, kwargs={"set_id": mw.sets[target].pk, **item(mw.sets[target])})


def recognition(name: str) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"recognition_id": mw.recognitions[target].pk})


def unit_targets(mw: MatrixWorld, target: str) -> str:
    units = {"province": mw.world.province, "district": mw.world.district, "A": mw.world.commune_a,
             "foreign": mw.world.other_province}  # fmt: skip
    return reverse("criteria:targets", kwargs={"unit_id": units[target].pk, "year": YEAR})


def with_unit(name: str) -> Callable[[MatrixWorld, str], str]:
    """The page for the unit a target names in ?unit= ("page": none asked for)."""

    def url(mw: MatrixWorld, target: str) -> str:
        units = {"province": mw.world.province, "district": mw.world.district, "A": mw.world.commune_a,
                 "foreign": mw.world.other_province}  # fmt: skip
        base = f"{reverse(name)}?year={YEAR}"
        return base if target == "page" else f"{base}&unit={units[target].pk}"

    return url


def api_row(name: str, rows: str) -> Callable[[MatrixWorld, str], str]:
    """The API's address of a row of commune A, B or Bắc Kạn's (an assessment; a recognition or a target of A)."""

    def url(mw: MatrixWorld, target: str) -> str:
        if rows == "assessments":
            return reverse(name, kwargs={"pk": mw.assessments[target].pk})
        model = {"recognitions": Recognition, "targets": Target}[rows]
        return reverse(name, kwargs={"pk": model.objects.filter(unit=mw.communes[target]).order_by("pk").first().pk})

    return url


def api_token_count(mw, target):
    return Token.objects.count()


COMMUNE_TARGETS = ("A", "B", "district", "foreign")
RECOGNITIONS = ("A", "B", "foreign")
TARGET_UNITS = ("province", "district", "A", "foreign")
EVIDENCE_TARGETS = ("A", "B", "foreign", "A_deleted")
LIVE_EVIDENCE = ("A", "B", "foreign")
REJECTED_EVIDENCE = ("A_rejected", "B_rejected", "foreign_rejected")
DELETED_EVIDENCE = ("A_deleted", "B_deleted", "foreign_deleted")
REPORTS = ("P", "D", "F", "PI", "FI")
OWNED = ("P", "D", "F")
UNITS_ASKED = ("page", "province", "district", "A", "foreign")
SETS = ("national", "own", "foreign")


def form_data(form) -> dict:
    """What a browser posts back for an unchanged form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def assessment_version(mw, target):
    assessment = mw.assessments.get(target)
    return assessment and type(assessment).objects.get(pk=assessment.pk).version


def assessment_status(mw, target):
    assessment = mw.assessments.get(target)
    return assessment and type(assessment).objects.get(pk=assessment.pk).status


def entry_body(mw, target, role):
    assessment = mw.assessments.get(target)
    if assessment is None:
        return {}
    prefix = f"crit_{first_criterion(assessment.criteria_set).pk}"
    return {"version": assessment.version, f"{prefix}_result": "met", f"{prefix}_override": "on",
            f"{prefix}_reason": "Biên bản kiểm tra của huyện"}  # fmt: skip


def evidence_count(mw, target):
    assessment = mw.assessments.get(target.split("_")[0])
    return assessment and Evidence.objects.filter(assessment=assessment).count()


def evidence_state(mw, target):
    return Evidence.objects.filter(pk=mw.evidence[target].pk).values_list("status", "deleted_at").get()


def upload_body(mw, target, role):
    return {"files": png(), "title": "Ảnh nhà văn hoá", "document_number": "", "document_date": "", "issuer": ""}


def recognition_body(mw, target, role):
    return {"tier": "ntm_nang_cao", "year": YEAR, "decision_number": "77/QĐ-UBND", "decision_date": "20/12/2021",
            "signer": "Chủ tịch UBND tỉnh", "note": "", "decision_file": png("quyet-dinh.png")}  # fmt: skip


def recognition_edit_body(mw, target, role):
    recognition = mw.recognitions[target]
    return {"tier": recognition.tier, "year": recognition.year, "decision_number": recognition.decision_number,
            "decision_date": recognition.decision_date.strftime("%d/%m/%Y"), "signer": "Chủ tịch (sửa)",
            "note": ""}  # fmt: skip


def recognition_state(mw, target):
    return Recognition.objects.filter(pk=mw.recognitions[target].pk).values_list("signer", "withdrawn_on").get()


def targets_state(mw, target):
    return sorted(Target.objects.filter(year=YEAR).values_list("unit_id", "tier", "criteria_count"))


def batch_status(mw, target):
    return ImportBatch.objects.get(pk=mw.batches[target].pk).status


def boundary_body(mw, target, role):
    unit = mw.world.other_commune if role.startswith("other_") else mw.world.commune_a
    return {"province": mw.user_province(role).pk, "map": "before", "code_property": "",
            "file": SimpleUploadedFile("ranh-gioi.geojson", squares([(unit.code, unit.name)]))}  # fmt: skip


def boundary_url(name: str) -> Callable[[MatrixWorld, str], str]:
    return lambda mw, target: reverse(name, kwargs={"upload_id": mw.boundary_uploads[target].pk})


def boundary_upload_status(mw, target):
    return BoundaryUpload.objects.get(pk=mw.boundary_uploads[target].pk).status


def report_units(mw):
    return {"province": mw.world.province, "district": mw.world.district, "foreign": mw.world.other_province}


def report_create_body(mw, target, role):
    return {"unit": report_units(mw)[target].pk, "kind": "annual", "year_from": YEAR + 1, "year_to": YEAR + 1}


def report_state(mw, target):
    stored = Report.objects.filter(pk=mw.reports[target].pk).values_list("version", "status").first()
    return stored, RenderJob.objects.filter(report_id=mw.reports[target].pk).count()


def report_edit_body(mw, target, role):
    return form_data(ReportEditForm(instance=mw.reports[target])) | {"subject": "Báo cáo kết quả (đã sửa)"}


def set_state(mw, target):
    criteria_set = mw.sets[target]
    return (
        CriteriaSet.objects.filter(pk=criteria_set.pk).values_list("version", flat=True).first(),
        Criterion.objects.filter(criteria_set=criteria_set).count(),
        Indicator.objects.filter(criterion__criteria_set=criteria_set).count(),
        CriteriaSet.objects.count(),
    )


def set_create_body(mw, target, role):
    province = {"own": mw.world.province, "foreign": mw.world.other_province}[target]
    return {"code": "MATRIX-NEW", "name": "Bộ tiêu chí thôn NTM", "decision_number": "3/QĐ-UBND",
            "period_start": 2026, "period_end": 2030, "tier": "ntm", "assessed_level": "village",
            "threshold_dimension": "none", "province": province.pk}  # fmt: skip


def set_copy_body(mw, target, role):
    return {"code": "MATRIX-COPY", "name": "Bản sao", "decision_number": "4/QĐ-UBND", "period_start": 2026,
            "period_end": 2030, "province": mw.user_province(role).pk}  # fmt: skip


def set_version(mw, target):
    return {"version": CriteriaSet.objects.get(pk=mw.sets[target].pk).version}


def set_edit_body(mw, target, role):
    criteria_set = CriteriaSet.objects.get(pk=mw.sets[target].pk)
    form = forms_sets.SetEditForm(instance=criteria_set, initial=set_version(mw, target))
    return form_data(form) | {"name": f"{criteria_set.name} (sửa)"}


def criterion_edit_body(mw, target, role):
    form = forms_sets.CriterionForm(instance=first_criterion(mw.sets[target]), initial=set_version(mw, target))
    return form_data(form) | {"name": "Quy hoạch (sửa)"}


def indicator_add_body(mw, target, role):
    return set_version(mw, target) | {"code": "1.9", "position": 9, "text": "Có quy hoạch chung", "rule": "yes_no"}


def indicator_edit_body(mw, target, role):
    form = forms_sets.IndicatorForm(indicator=number_indicator(mw.sets[target]), initial=set_version(mw, target))
    return form_data(form) | {"text": "Tỷ lệ quy hoạch (sửa)"}


def thresholds_body(mw, target, role):
    return threshold_post(number_indicator(mw.sets[target]), set_version(mw, target)["version"],
                          {"nhom3": ("90", SOURCE)})  # fmt: skip


# fmt: off
ROWS: list[Row] = [
    # The front door, sign-in and languages.
    Row("home", page("home"), get=every("200"), post=every("405", anonymous="405")),
    Row("login", page("login"), get=every("200", anonymous="200"), post=every("200", anonymous="200")),
    Row("logout", page("logout"), get=every("405", anonymous="405"), post=every("login", anonymous="login")),
    Row("password_change", page("password_change"), get=every("200"), post=every("200")),
    Row("password_change_done", page("password_change_done"), get=every("200"), post=every("405")),
    Row("set_language", page("set_language"), get=every("302", anonymous="302"),
        post=every("302", anonymous="302"), body=lambda mw, t, r: {"language": "en", "next": "/"}),
    # Password reset by e-mail: public pages.
    Row("password_reset", page("password_reset"), get=every("200", anonymous="200"),
        post=every("302", anonymous="302"), body=lambda mw, t, r: {"email": "khong-co@example.com"}, optional=True),
    Row("password_reset_done", page("password_reset_done"), get=every("200", anonymous="200"),
        post=every("405", anonymous="405"), optional=True),
    Row("password_reset_confirm", page("password_reset_confirm", uidb64="MQ", token="sai-ma"),
        get=every("200", anonymous="200"), post=every("200", anonymous="200"), optional=True),
    Row("password_reset_complete", page("password_reset_complete"), get=every("200", anonymous="200"),
        post=every("405", anonymous="405"), optional=True),
    # Health, for load balancers and monitors: no sign-in, no data.
    Row("healthz", page("healthz"), get=every("200", anonymous="200"), post=every("405", anonymous="405")),
    # Results: the grid, its export, the overview, a commune's pages and workflow.
    Row("criteria:grid", with_unit("criteria:grid"), targets=UNITS_ASKED, get=GRID_UNITS, post=GRID_UNITS),
    Row("criteria:results_export", with_unit("criteria:results_export"), targets=UNITS_ASKED, get=EXPORT_UNITS,
        post=EXPORT_UNITS),
    Row("criteria:overview", page("criteria:overview"), get=every("200"), post=every("200")),
    Row("criteria:commune", commune("criteria:commune"), targets=COMMUNE_TARGETS, get=COMMUNE_SEEN,
        post=COMMUNE_SEEN),
    Row("criteria:entry", commune("criteria:entry"), targets=COMMUNE_TARGETS, get=COMMUNE_ENTERED,
        post=ENTRY_SAVED, body=entry_body, state=assessment_version),
    Row("criteria:transition", commune("criteria:transition", action="submit"), targets=COMMUNE_TARGETS,
        get=every("405"), post=SUBMITTED, state=assessment_status,
        body=lambda mw, target, role: {"version": assessment_version(mw, target) or 0, "confirm": "1"}),
    Row("criteria:evidence", commune("criteria:evidence"), targets=COMMUNE_TARGETS, get=COMMUNE_SEEN,
        post=ENTRY_SAVED, body=upload_body, state=evidence_count),
    Row("criteria:dossier", commune("criteria:dossier"), targets=COMMUNE_TARGETS, get=COMMUNE_SEEN,
        post=COMMUNE_SEEN),
    # Recognition decisions of a commune and the yearly targets of a province or district.
    Row("criteria:recognitions", commune("criteria:recognitions"), targets=COMMUNE_TARGETS, get=COMMUNE_SEEN,
        post=RECOGNITION_RECORDED, body=recognition_body, state=lambda mw, target: Recognition.objects.count()),
    Row("criteria:recognition_edit", recognition("criteria:recognition_edit"), targets=RECOGNITIONS,
        get=RECOGNITION_ASKED, post=RECOGNITION_CHANGED, body=recognition_edit_body, state=recognition_state),
    Row("criteria:recognition_withdraw", recognition("criteria:recognition_withdraw"), targets=RECOGNITIONS,
        get=RECOGNITION_ASKED, post=RECOGNITION_CHANGED, state=recognition_state,
        body=lambda mw, target, role: {"withdrawn_on": "04/05/2023", "withdrawal_decision": "90/QĐ-UBND"}),
    Row("criteria:targets", unit_targets, targets=TARGET_UNITS, get=TARGETS_SEEN, post=TARGETS_SET,
        state=targets_state, body=lambda mw, target, role: {"average": "15", "source_decision": "QĐ 867/QĐ-UBND"}),
    # Evidence files.
    Row("criteria:evidence_download", evidence("criteria:evidence_download"), targets=EVIDENCE_TARGETS,
        get=EVIDENCE_FILES, post=EVIDENCE_FILES),
    Row("criteria:evidence_preview", evidence("criteria:evidence_preview"), targets=EVIDENCE_TARGETS,
        get=EVIDENCE_FILES, post=EVIDENCE_FILES),
    Row("criteria:evidence_viewer", evidence("criteria:evidence_viewer"), targets=EVIDENCE_TARGETS,
        get=EVIDENCE_FILES, post=EVIDENCE_FILES),
    Row("criteria:evidence_review", evidence("criteria:evidence_review"), targets=LIVE_EVIDENCE,
        get=every("405"), post=EVIDENCE_REVIEWED, state=evidence_state,
        body=lambda mw, target, role: {"decision": "accept", "comment": ""}),
    Row("criteria:evidence_replace", evidence("criteria:evidence_replace"), targets=REJECTED_EVIDENCE,
        get=every("405"), post=EVIDENCE_CHANGED.renamed(*REJECTED_EVIDENCE), state=evidence_count,
        body=lambda mw, target, role: {"file": png("anh-moi.png")}),
    Row("criteria:evidence_delete", evidence("criteria:evidence_delete"), targets=LIVE_EVIDENCE,
        get=EVIDENCE_DELETE_ASKED, post=EVIDENCE_CHANGED, state=evidence_state),
    Row("criteria:evidence_restore", evidence("criteria:evidence_restore"), targets=DELETED_EVIDENCE,
        get=every("405"), post=EVIDENCE_RESTORED, state=evidence_state),
    # Imports.
    Row("import_start", page("import_start"), get=OFFICES_ONLY, post=IMPORT_UPLOADED,
        state=lambda mw, target: ImportBatch.objects.count(),
        body=lambda mw, target, role: {"kind": "results", "year": IMPORT_YEAR,
                                       "file": SimpleUploadedFile("ket-qua.xlsx", results_file())}),
    Row("import_batch", batch("import_batch"), targets=OWNED, get=BATCH_SEEN, post=BATCH_SEEN),
    Row("import_confirm", batch("import_confirm"), targets=OWNED, get=every("405"), post=BATCH_CONFIRMED,
        state=batch_status),
    Row("import_cancel", batch("import_cancel"), targets=OWNED, get=every("405"), post=BATCH_CONFIRMED,
        state=batch_status),
    # Commune boundaries for the map.
    Row("communes:boundaries", page("communes:boundaries"), get=BOUNDARY_EDITORS, post=BOUNDARY_UPLOADED,
        body=boundary_body, state=lambda mw, target: BoundaryUpload.objects.count()),
    Row("communes:boundary_upload", boundary_url("communes:boundary_upload"), targets=("P", "F"),
        get=BOUNDARY_FILE_SEEN, post=BOUNDARY_FILE_SEEN),
    Row("communes:boundary_confirm", boundary_url("communes:boundary_confirm"), targets=("P", "F"),
        get=every("405"), post=BOUNDARY_FILE_CONFIRMED, state=boundary_upload_status),
    # Funding, the dashboard, reports and their files.
    Row("funding:summary", with_unit("funding:summary"), targets=UNITS_ASKED, get=SCOPE_UNITS, post=SCOPE_UNITS),
    Row("reports:dashboard", with_unit("reports:dashboard"), targets=UNITS_ASKED, get=SCOPE_UNITS,
        post=SCOPE_UNITS),
    Row("reports:list", page("reports:list"), targets=("province", "district", "foreign"), get=every("200"),
        post=REPORT_CREATED, body=report_create_body, state=lambda mw, target: Report.objects.count()),
    Row("reports:edit", report("reports:edit"), targets=REPORTS, get=REPORT_SEEN, post=REPORT_SAVED,
        body=report_edit_body, state=report_state),
    Row("reports:issue", report("reports:issue"), targets=REPORTS, get=DRAFT_ACTION_ASKED, post=DRAFT_ACTION_TAKEN,
        state=report_state),
    Row("reports:delete", report("reports:delete"), targets=REPORTS, get=DRAFT_ACTION_ASKED,
        post=DRAFT_ACTION_TAKEN, state=report_state,
        body=lambda mw, target, role: {"version": mw.reports[target].version}),
    Row("reports:render", report("reports:render", file_format="pdf"), targets=REPORTS, get=every("405"),
        post=DRAFT_ACTION_TAKEN, state=report_state),
    Row("reports:file", report("reports:file", file_format="pdf"), targets=REPORTS, get=ISSUED_FILE,
        post=ISSUED_FILE),
    Row("reports:job", job("reports:job"), targets=OWNED, get=JOB_SEEN, post=JOB_SEEN),
    Row("reports:job_file", job("reports:job_file"), targets=OWNED, get=JOB_SEEN, post=JOB_SEEN),
    # Large exports made by the job queue: their requester's and the administrators'.
    Row("download_job", download("download_job"), targets=OWNED, get=JOB_SEEN, post=JOB_SEEN),
    Row("download_job_file", download("download_job_file"), targets=OWNED, get=JOB_SEEN, post=JOB_SEEN),
    Row("reports:job_retry", job("reports:job_retry"), targets=OWNED, get=every("405"), post=JOB_RETRY_REFUSED,
        state=lambda mw, target: RenderJob.objects.count()),
    # The profile page and its API token.
    Row("profile", page("profile"), get=every("200"), post=every("405")),
    Row("api_token_create", page("api_token_create"), get=every("302"), post=every("200+"), state=api_token_count),
    Row("api_token_revoke", page("api_token_revoke"), get=every("302"), post=every("302"), state=api_token_count),
    # The read-only API: lists narrowed by ?unit= as the pages are, rows of units in scope; nothing is written.
    *(Row(f"api:{name}-list", with_unit(f"api:{name}-list"), targets=UNITS_ASKED, get=API_SCOPE_UNITS,
          post=API_WRITE) for name in ("unit", "assessment", "recognition", "target")),
    Row("api:funding", with_unit("api:funding"), targets=UNITS_ASKED, get=API_SCOPE_UNITS,
        post=API_WRITE),
    Row("api:report-figures", with_unit("api:report-figures"), targets=UNITS_ASKED, get=API_SCOPE_UNITS,
        post=API_WRITE),
    Row("api:unit-detail", lambda mw, target: reverse("api:unit-detail", kwargs={"pk": mw.communes[target].pk}),
        targets=COMMUNE_TARGETS, get=API_UNIT_SEEN, post=API_WRITE),
    Row("api:assessment-detail", api_row("api:assessment-detail", "assessments"), targets=LIVE_EVIDENCE,
        get=API_ROW_SEEN, post=API_WRITE),
    Row("api:recognition-detail", api_row("api:recognition-detail", "recognitions"), targets=("A",),
        get=API_ROW_OF_A, post=API_WRITE),
    Row("api:target-detail", api_row("api:target-detail", "targets"), targets=("A",), get=API_ROW_OF_A,
        post=API_WRITE),
    Row("api:criteria-set-list", page("api:criteria-set-list"), get=API_EVERY, post=API_WRITE),
    Row("api:criteria-set-detail",
        lambda mw, target: reverse("api:criteria-set-detail", kwargs={"pk": mw.sets[target].pk}), targets=SETS,
        get=API_SET_SEEN, post=API_WRITE),
    # The schema and its docs page name no data: anyone reads them.
    Row("api:schema", page("api:schema"), get=every("200", anonymous="200"), post=every("405", anonymous="405")),
    Row("api:docs", page("api:docs"), get=every("200", anonymous="200"), post=every("405", anonymous="405")),
    # The criteria-set editor.
    Row("criteria:set_list", page("criteria:set_list"), get=SETS_OPENED, post=SETS_OPENED),
    Row("criteria:set_create", lambda mw, target: reverse("criteria:set_create"), targets=("own", "foreign"),
        get=table("""
                      own   foreign
anonymous             login login
province_staff        200   200
district_staff        404   404
official_a            404   404
official_b            404   404
leader                404   404
admin                 200   200
other_province_staff  200   200
other_official        404   404
"""), post=SET_CREATED_IN, body=set_create_body, state=lambda mw, target: CriteriaSet.objects.count()),
    Row("criteria:set_import", page("criteria:set_import"), get=every("405"), post=SETS_IMPORT_EMPTY,
        state=lambda mw, target: CriteriaSet.objects.count()),
    Row("criteria:set_detail", criteria_set("criteria:set_detail"), targets=SETS, get=SET_SEEN, post=SET_SEEN),
    Row("criteria:set_export", criteria_set("criteria:set_export"), targets=SETS, get=SET_SEEN, post=SET_SEEN),
    Row("criteria:set_copy", criteria_set("criteria:set_copy"), targets=SETS, get=SET_SEEN, post=SET_COPIED,
        body=set_copy_body, state=set_state),
    Row("criteria:set_edit", criteria_set("criteria:set_edit"), targets=SETS, get=SET_EDITED_ASK, post=SET_EDITED,
        body=set_edit_body, state=set_state),
    Row("criteria:criterion_add", criteria_set("criteria:criterion_add"), targets=SETS, get=SET_EDITED_ASK,
        post=SET_EDITED, state=set_state,
        body=lambda mw, target, role: set_version(mw, target) | {"number": 99, "name": "Tiêu chí thêm"}),
    Row("criteria:criterion_edit",
        criteria_set("criteria:criterion_edit", lambda s: {"criterion_id": first_criterion(s).pk}),
        targets=SETS, get=SET_EDITED_ASK, post=SET_EDITED, body=criterion_edit_body, state=set_state),
    Row("criteria:indicator_add",
        criteria_set("criteria:indicator_add", lambda s: {"criterion_id": first_criterion(s).pk}),
        targets=SETS, get=SET_EDITED_ASK, post=SET_EDITED, body=indicator_add_body, state=set_state),
    Row("criteria:indicator_edit",
        criteria_set("criteria:indicator_edit", lambda s: {"indicator_id": number_indicator(s).pk}),
        targets=SETS, get=SET_EDITED_ASK, post=SET_EDITED, body=indicator_edit_body, state=set_state),
    Row("criteria:thresholds_edit",
        criteria_set("criteria:thresholds_edit", lambda s: {"indicator_id": number_indicator(s).pk}),
        targets=SETS, get=SET_EDITED_ASK, post=SET_EDITED, body=thresholds_body, state=set_state),
    Row("criteria:item_delete",
        criteria_set("criteria:item_delete", lambda s: {"kind": "criterion", "item_id": last_criterion(s).pk}),
        targets=SETS, get=SET_EDITED_ASK, post=SET_EDITED, state=set_state,
        body=lambda mw, target, role: set_version(mw, target)),
]
# fmt: on


# ---------------------------------------------------------------- the Django admin, by families of patterns


@dataclass(frozen=True)
class AdminRule:
    """The answer to GET of the admin persona (a superuser) and of everybody else, signed in or not. The admin
    checks staff status before any view runs, for every method alike; its forms are tests/test_admin.py's."""

    key: str
    staff: str
    others: str = "adminlogin"


# Changed only through the portal, or kept as history: no add page and no delete in the admin. Reports and
# render jobs may be deleted there, and an upload is added on the import page, where the admin sends you.
NO_ADD = (
    "ntm_portal_changerecord",
    "criteria_assessment",
    "criteria_indicatorvalue",
    "criteria_criterionresult",
    "criteria_evidence",
    "communes_membershipproposal",
    "reports_report",
    "reports_renderjob",
    # django-axes' records of sign-ins: made by signing in; an attempt is deleted to unlock its account.
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "communes_securityevent",
    "communes_unitboundary",
    "communes_boundaryupload",
)
NO_DELETE = (
    "ntm_portal_changerecord",
    "communes_securityevent",
    "ntm_portal_importbatch",
    "criteria_assessment",
    "criteria_indicatorvalue",
    "criteria_criterionresult",
    "criteria_evidence",
    "communes_membershipproposal",
    "communes_unitboundary",
    "communes_boundaryupload",
)
ADMIN_RULES: list[AdminRule] = [
    AdminRule("admin:login", staff="302", others="200"),
    AdminRule("admin:logout", staff="405", others="302"),
    AdminRule("admin:autocomplete", staff="403"),
    AdminRule("admin:view_on_site", staff="404"),
    *(AdminRule(f"admin:{model}_add", staff="403") for model in NO_ADD),
    *(AdminRule(f"admin:{model}_delete", staff="403") for model in NO_DELETE),
    AdminRule("admin:ntm_portal_importbatch_add", staff="302"),
    AdminRule("admin:funding_fundingrecord_process_import", staff="405"),  # the second step of an import: POST
    AdminRule("admin:<admin/(?P<url>.*)$>", staff="404"),  # the catch-all: nothing else is there
    AdminRule("admin:<admin/*/<path:object_id>/>", staff="302"),  # an object's short address → its page
    AdminRule("admin:*", staff="200"),
]


def admin_rule(pattern: Pattern) -> AdminRule | None:
    return next((rule for rule in ADMIN_RULES if covers(rule.key, pattern)), None)


def admin_url(pattern: Pattern, mw: MatrixWorld) -> str:
    """The address of an admin pattern, with the id of a row that exists for object pages."""
    if "content_type_id" in pattern.route:
        unit = mw.world.commune_a
        values = {"content_type_id": ContentType.objects.get_for_model(unit).pk, "object_id": unit.pk}
    else:
        model_admin = getattr(pattern.callback, "model_admin", None)
        values = {"id": mw.users["official_a"].pk}
        if model_admin is not None:
            obj = model_admin.model._default_manager.order_by("pk").first()
            assert obj is not None, f"the matrix world has no {model_admin.model.__name__}: add one"
            values["object_id"] = obj.pk
    route = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$", "criteria/", pattern.route)
    route = route.replace("(?P<url>.*)$", "no-such-page/")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match[1]]), route)


# ---------------------------------------------------------------- the tests


def row_keys() -> list[str]:
    return [row.key for row in ROWS] + [rule.key for rule in ADMIN_RULES]


def test_every_url_pattern_has_a_row():
    assert unmatched(url_patterns(), row_keys()) == []


def test_a_new_url_without_a_row_is_named():
    urlconf = types.ModuleType("urls_with_a_new_page")
    urlconf.urlpatterns = [*import_module(settings.ROOT_URLCONF).urlpatterns,
                           path("new/", lambda request: None, name="brand_new")]  # fmt: skip
    assert unmatched(url_patterns(urlconf), row_keys()) == ["brand_new"]


def test_every_row_names_a_pattern():
    """A row left behind by a removed URL (its name mistyped, say) would check nothing."""
    patterns = url_patterns()
    stale = [row.key for row in ROWS if not row.optional and not any(covers(row.key, p) for p in patterns)]
    assert stale == []
    assert [rule.key for rule in ADMIN_RULES if not any(covers(rule.key, p) for p in patterns)] == []


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The matrix's world, built once for the module inside a transaction rolled back at its end; each test runs
    in a savepoint within it, and each request in one more."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_matrix_world(), media
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mw(matrix, settings) -> MatrixWorld:
    settings.MEDIA_ROOT = matrix[1]  # the module's evidence files, rather than a folder of the test's own
    return matrix[0]


def signed_in(mw: MatrixWorld, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(mw.users[role])
    return client


def mismatch(response, expected: str) -> str | None:
    """What is wrong with the response, None when it is the expected answer."""
    location = response.get("Location", "")
    got = str(response.status_code)
    if response.status_code == 302:
        got = {LOGIN_PATH: "login", ADMIN_LOGIN_PATH: "adminlogin"}.get(location.split("?")[0], "302")
    return None if got == expected else f"{got} ({location})" if location else got


def ask(client: Client, method: str, url: str, data: dict, state: Callable[[], object] | None, expected: str):
    """One request in a savepoint rolled back after it: the answer, and whether it changed the state as said."""
    code, changes = expected.removesuffix("+"), expected.endswith("+")
    with transaction.atomic():
        before = state() if state else None
        response = client.post(url, data) if method == "POST" else client.get(url)
        if response.streaming:
            # Read to its end, as a server would: the test client closes it then, outside the transaction.
            response.content_read = b"".join(response.streaming_content)
        after = state() if state else None
        transaction.set_rollback(True)
    wrong = mismatch(response, code)
    if wrong is None and state is not None and (before != after) is not changes:
        wrong = f"{code}, but the state {'did not change' if changes else 'changed'}: {before} → {after}"
    return response, wrong


def leaks(response, role: str, mw: MatrixWorld) -> bool:
    """Whether a page of a Cao Bằng persona other than the administrator names something of Bắc Kạn."""
    if role in ("admin", "other_province_staff", "other_official") or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    page = response.content.decode()
    return mw.world.other_province.name in page or mw.world.other_commune.name in page


def present(row: Row) -> bool:
    return not row.optional or any(covers(row.key, pattern) for pattern in url_patterns())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.key)
def test_each_persona_gets_the_answers_of_the_matrix(mw, row, role):
    if not present(row):
        pytest.skip(f"{row.key} is not in the URLconf yet")
    client = signed_in(mw, role)
    wrong = []
    for target in row.targets:
        url = row.url(mw, target)
        state = (lambda target=target: row.state(mw, target)) if row.state else None
        for method, answers in (("GET", row.get), ("POST", row.post)):
            data = row.body(mw, target, role) if method == "POST" else {}
            response, problem = ask(client, method, url, data, state, answers.answer(role, target))
            if problem:
                wrong.append(f"{method} {target} {url}: expected {answers.answer(role, target)}, got {problem}")
            elif method == "GET" and leaks(response, role, mw):
                wrong.append(f"GET {target} {url}: names Bắc Kạn")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_persona_gets_the_answers_of_the_admin_rules(mw, role):
    client = signed_in(mw, role)
    patterns = [pattern for pattern in url_patterns() if pattern.key.startswith("admin:")]
    assert len(patterns) > 100
    wrong = []
    for pattern in patterns:
        rule = admin_rule(pattern)
        url = admin_url(pattern, mw)
        expected = rule.staff if role == "admin" else rule.others
        _response, problem = ask(client, "GET", url, {}, None, expected)
        if problem:
            wrong.append(f"GET {pattern.key} {url}: expected {expected}, got {problem}")
    assert wrong == [], "\n".join(wrong)
