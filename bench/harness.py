"""What every benchmark shares: a throwaway database, set up and torn down as Django's test runner does.

An SQLite file by default; with DATABASE_URL=postgres://…/name, a database `test_<name>_bench_<label>` on
that server, dropped afterwards.
"""

import contextlib
import gc
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def throwaway_database(label: str) -> Iterator[None]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, name = url.rsplit("/", 1)
        os.environ["DATABASE_URL"] = f"{base}/{name.split('?')[0]}_bench_{label}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    import django

    django.setup()
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    # DEBUG off, as in production, so that no page pays for logging its queries.
    setup_test_environment(debug=False)
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(old_config, verbosity=0)
        teardown_test_environment()


def analyse() -> None:
    """Statistics as autovacuum would keep them, so that the planner knows how many rows each table holds."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(action) -> float:
    """Seconds one call of `action` takes, from a collected heap: what the runs before left behind (reference
    cycles waiting for the collector) is not charged to it."""
    gc.collect()
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def random_results(unit_ids: list[int], *, year: int, criteria_set, rng, mean: float) -> None:
    """Assessments of `year` for these communes, criteria met ~ N(mean, 4) (2 % undecided), random workflow
    statuses, stored summaries, and an NTM recognition of the year before for those meeting all 19."""
    import datetime

    from criteria.models import Assessment, CriterionResult, Recognition, Tier
    from criteria.services import assessment_summaries_refresh

    criteria = list(criteria_set.criteria.order_by("number"))
    statuses = [status for status, _label in Assessment.Status.choices]
    met_counts = [min(19, max(0, round(rng.gauss(mean, 4)))) for _unit in unit_ids]
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(unit_id=unit, year=year, criteria_set=criteria_set, status=rng.choice(statuses))
            for unit in unit_ids
        ],
        batch_size=2000,
    )
    results = []
    for assessment, met in zip(assessments, met_counts, strict=True):
        marked = set(rng.sample(range(len(criteria)), met))
        results += [
            CriterionResult(
                assessment=assessment,
                criterion=criterion,
                is_met=None if rng.random() < 0.02 else index in marked,
                method=CriterionResult.Method.IMPORTED,
            )
            for index, criterion in enumerate(criteria)
        ]
    CriterionResult.objects.bulk_create(results, batch_size=5000)
    assessment_summaries_refresh(assessment.pk for assessment in assessments)
    Recognition.objects.bulk_create(
        Recognition(
            unit_id=unit,
            tier=Tier.NTM,
            year=year - 1,
            decision_number=f"{unit}/QĐ-UBND",
            decision_date=datetime.date(year - 1, 12, 20),
        )
        for unit, met in zip(unit_ids, met_counts, strict=True)
        if met == 19
    )
