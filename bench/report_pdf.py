"""Benchmark: the PDF of a province's annual report against WeasyPrint alone, and the national Biểu 01.

On a throwaway database (an SQLite file by default, or the PostgreSQL server of DATABASE_URL, where a
database named `<name>_bench_rpdf` is created and dropped) it loads the whole country's map, as a server
holds it, then the Cao Bằng demo (139 xã, results 2016-2025, recognitions, funding), and writes the
province's annual report of 2021 with its number and date. Then:

- pdf: the whole pipeline of a draft's download, `report_files(report, ["pdf"])`: figures, document, HTML
  and WeasyPrint;
- weasyprint: WeasyPrint alone, with the options `reports.pdf.document_pdf` gives it (the same URL fetcher,
  the same stylesheet parsed from text), on the HTML of that report built once beforehand;
  ratio = pdf / weasyprint is our overhead; the steps of the pipeline are also timed one by one;
- peak_mb: the high-water mark of the resident set (getrusage ru_maxrss) of a process forked before any
  PDF was made, so that it imports WeasyPrint, loads the fonts and makes one PDF, as a fresh worker does;
  the RSS it already had at the fork (Django, the ORM, the demo's leftovers) is counted in, and printed
  apart. A second fork gives the tracemalloc peak of the same run: what Python allocated, without Pango's
  and HarfBuzz's own memory;
- national_xlsx: Biểu 01 of 10,000 communes, `commune_matrix_xlsx` of the provinces' `results_grid`s of
  2024 put together, grids and file timed apart and summed. The map in force on 1/1/2024 has about 10,600
  commune-level units but only about 7,700 xã, the units of the programme; to reach 10,000 rows this
  database marks the first 10,000 commune-level units by code as in the programme (wards and townships too)
  and the rest out, and gives each a 2024 assessment with 19 results and its stored summary (the demo's
  Cao Bằng communes keep theirs). This runs after the PDFs, which it would otherwise change.

Times are medians; the PDF and WeasyPrint runs alternate, so that whatever else the machine is doing weighs
on both alike. The load average is printed at the start and the end. Usage:

    .venv/bin/python bench/report_pdf.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_portal .venv/bin/python bench/report_pdf.py

Goals: ratio ≤ 1.3, peak under 500 MB. Measured 11/2026 on PostgreSQL 15, 2 cores: ratio 1.21 (figures 41 ms,
WeasyPrint 231 ms), peak 115 MB; 1.26-1.28 before the figures read each year's per-criterion counts from the
assessments' stored summaries and the tiers in 4 queries instead of 12 (36 queries → 27).
Last line: RESULT pdf_s=… weasyprint_s=… ratio=… peak_mb=… pages=… national_xlsx_s=…
"""

import dataclasses
import datetime
import io
import json
import os
import random
import resource
import statistics
import sys
import time
import traceback
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import analyse, random_results, throwaway_database, timed

REPORT_YEAR = 2021
NATIONAL_YEAR = 2024
NATIONAL_SET = "QD318-2022"
NATIONAL_ROWS = 10_000
PDF_RUNS = 7
XLSX_RUNS = 3
SEED = 6
GOAL_RATIO = 1.3
GOAL_PEAK_MB = 500


def main() -> None:
    print(f"load average at start: {_load()} on {os.cpu_count()} cores")
    with throwaway_database("rpdf"):
        from django.db import connection

        started = time.perf_counter()
        report = _demo_report()
        print(
            f"database: {connection.vendor}; the whole map, the Cao Bằng demo and its {REPORT_YEAR} report "
            f"in {_since(started)}"
        )
        rss_mb, at_fork_mb = _in_fork(_peak_rss, report.pk)
        traced_mb = _in_fork(_traced_peak, report.pk)
        pdf = _measure_pdf(report)

        started = time.perf_counter()
        communes = _load_country()
        print(f"whole country: {communes} programme communes of {NATIONAL_YEAR} assessed in {_since(started)}")
        national = _measure_national()
    print(f"load average at end: {_load()}")

    print(f"peak RSS of one pipeline run: {rss_mb:.0f} MB (RSS at the fork: {at_fork_mb:.0f} MB)")
    print(f"peak Python allocations (tracemalloc) of one pipeline run: {traced_mb:.0f} MB")
    ratio = pdf["pdf_s"] / pdf["weasyprint_s"]
    goals = f"ratio ≤ {GOAL_RATIO} ({ratio:.2f}: {'met' if ratio <= GOAL_RATIO else 'NOT met'}), "
    goals += f"peak < {GOAL_PEAK_MB} MB ({rss_mb:.0f}: {'met' if rss_mb < GOAL_PEAK_MB else 'NOT met'})"
    print(f"goals: {goals}")
    print(
        f"RESULT pdf_s={pdf['pdf_s']:.3f} weasyprint_s={pdf['weasyprint_s']:.3f} ratio={ratio:.2f} "
        f"peak_mb={rss_mb:.0f} pages={pdf['pages']} national_xlsx_s={national:.2f}"
    )


# ── The province report ──


def _demo_report():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from communes.models import AdministrativeUnit
    from ntm_portal.demo.loading import PROVINCE_CODE
    from reports.models import Report
    from reports.services import report_create

    # The whole map first, as a server holds it: the report's queries then run against 14,000 units, not 300
    call_command("load_units", "--all", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    analyse()
    province = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, code=PROVINCE_CODE)
    admin = get_user_model().objects.create_superuser(username="bench.admin", password="bench-2026-report-pdf")
    report = report_create(
        user=admin, unit=province, kind=Report.Kind.ANNUAL, year_from=REPORT_YEAR, year_to=REPORT_YEAR
    )
    report.number, report.issued_on, report.signer_name = "215", datetime.date(REPORT_YEAR, 12, 15), "Nguyễn Văn An"
    report.save()
    return report


def _measure_pdf(report) -> dict:
    from pypdf import PdfReader

    from reports.figures import report_figures
    from reports.pdf import document_html
    from reports.services import report_files
    from reports.structure import report_document

    report = _fresh(report.pk)
    figures = report_figures(unit=report.unit, year=report.year_to, start=report.year_from)
    html = document_html(report_document(report, figures), for_pdf=True)
    print(f"HTML of the report: {len(html) / 1024:.0f} KiB")
    _weasyprint(html)  # imports WeasyPrint and loads the fonts, as in a worker that has made a PDF before
    runs = {"pdf": [], "weasyprint": []}
    for _run in range(PDF_RUNS):
        runs["pdf"].append(timed(lambda: report_files(report, ["pdf"])))
        runs["weasyprint"].append(timed(lambda: _weasyprint(html)))
    content = report_files(report, ["pdf"])[1]["pdf"]
    pages = len(PdfReader(io.BytesIO(content)).pages)

    # The pipeline's steps one by one, to see where the time goes beyond WeasyPrint
    steps = {"figures": [], "document": [], "html": [], "weasyprint": []}
    for _run in range(PDF_RUNS):
        started = time.perf_counter()
        figures = report_figures(unit=report.unit, year=report.year_to, start=report.year_from)
        steps["figures"].append(_since_s(started))
        started = time.perf_counter()
        document = report_document(report, figures)
        steps["document"].append(_since_s(started))
        started = time.perf_counter()
        step_html = document_html(document, for_pdf=True)
        steps["html"].append(_since_s(started))
        steps["weasyprint"].append(timed(lambda html=step_html: _weasyprint(html)))

    print(f"PDF: {pages} pages, {len(content) / 1024:.0f} KiB")
    print(f"{'':<22} {'median s':>9}  runs")
    for name, label in (("pdf", "report_files (pdf)"), ("weasyprint", "WeasyPrint alone")):
        print(f"{label:<22} {statistics.median(runs[name]):>9.3f}  {_listed(runs[name])}")
    for name, values in steps.items():
        print(f"{'  step: ' + name:<22} {statistics.median(values):>9.3f}  {_listed(values)}")
    return {
        "pdf_s": statistics.median(runs["pdf"]),
        "weasyprint_s": statistics.median(runs["weasyprint"]),
        "pages": pages,
    }


def _weasyprint(html: str) -> bytes:
    """What `document_pdf` does once the HTML is built: the same fetcher, the stylesheet parsed from text."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    from reports.pdf import ALLOWED_URL_SCHEMES, _stylesheet_text

    fetcher = URLFetcher(allowed_protocols=ALLOWED_URL_SCHEMES)
    stylesheet = CSS(string=_stylesheet_text(), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


def _fresh(report_id: int):
    from reports.models import Report

    return Report.objects.select_related("unit").get(pk=report_id)


def _peak_rss(report_id: int) -> tuple[float, float]:
    from reports.services import report_files

    at_fork = _rss_mb("VmRSS")
    report_files(_fresh(report_id), ["pdf"])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, at_fork


def _traced_peak(report_id: int) -> float:
    from reports.services import report_files

    report = _fresh(report_id)
    tracemalloc.start()
    report_files(report, ["pdf"])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _in_fork(action, *args):
    """`action(*args)` in a forked child with its own database connection; its JSON result comes back by pipe."""
    from django.db import connections

    connections.close_all()  # the child must not share the parent's socket
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reading)
        status = 1
        try:
            with os.fdopen(writing, "w") as pipe:
                json.dump(action(*args), pipe)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)  # neither the harness's teardown nor anything else of the parent's runs here
    os.close(writing)
    with os.fdopen(reading) as pipe:
        answer = pipe.read()
    _pid, status = os.waitpid(child, 0)
    if status != 0 or not answer:
        raise RuntimeError(f"the measuring child failed (status {status})")
    return json.loads(answer)


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ── The national Biểu 01 ──


def _load_country() -> int:
    """NATIONAL_ROWS communes in the programme, each with its 2024 assessment (see the docstring)."""
    from django.db import transaction

    from communes.models import AdministrativeUnit
    from criteria.models import Assessment, CriteriaSet

    criteria_set = CriteriaSet.objects.get(code=NATIONAL_SET)
    rng = random.Random(SEED)
    with transaction.atomic():
        of_year = AdministrativeUnit.objects.communes().valid_on(datetime.date(NATIONAL_YEAR, 1, 1))
        chosen = list(of_year.order_by("code").values_list("pk", flat=True)[:NATIONAL_ROWS])
        of_year.exclude(pk__in=chosen).update(in_programme=False)
        of_year.filter(pk__in=chosen).update(in_programme=True)
        assessed = set(
            Assessment.objects.filter(year=NATIONAL_YEAR, criteria_set=criteria_set).values_list("unit_id", flat=True)
        )
        units = [pk for pk in chosen if pk not in assessed]
        random_results(units, year=NATIONAL_YEAR, criteria_set=criteria_set, rng=rng, mean=14)
    analyse()
    return len(chosen)


def _measure_national() -> float:
    from reports.appendix import commune_matrix_xlsx
    from reports.figures import matrix_figures

    _national_grid()  # warms the caches a running server has (criteria sets, content types)
    grids, files = [], []
    for _run in range(XLSX_RUNS):
        started = time.perf_counter()
        grid = _national_grid()
        grids.append(_since_s(started))
        started = time.perf_counter()
        content = commune_matrix_xlsx(matrix_figures(grid))
        files.append(_since_s(started))
    totals = [grid_s + file_s for grid_s, file_s in zip(grids, files, strict=True)]
    print(f"national Biểu 01: {len(grid.rows)} communes, {len(content) / 1024:.0f} KiB")
    print(f"{'':<22} {'median s':>9}  runs")
    for label, values in (("grids (63 provinces)", grids), ("xlsx", files), ("grids + xlsx", totals)):
        print(f"{label:<22} {statistics.median(values):>9.3f}  {_listed(values)}")
    if len(grid.rows) != NATIONAL_ROWS:
        raise AssertionError(f"{len(grid.rows)} communes in the national grid, not {NATIONAL_ROWS}")
    return statistics.median(totals)


def _national_grid():
    """The provinces' grids of the year as one: every commune in code order, one group, the totals summed."""
    from communes.models import AdministrativeUnit
    from criteria.bands import summarise
    from criteria.selectors import GridGroup, percent, results_grid

    provinces = (
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE)
        .valid_on(datetime.date(NATIONAL_YEAR, 1, 1))
        .order_by("code")
    )
    grids = [results_grid(within=province, year=NATIONAL_YEAR, set_code=NATIONAL_SET) for province in provinces]
    rows = [row for grid in grids for row in grid.rows]
    met = [sum(column) for column in zip(*([column.met for column in grid.columns] for grid in grids), strict=True)]
    columns = [
        dataclasses.replace(column, met=count, share=percent(count, len(rows)))
        for column, count in zip(grids[0].columns, met, strict=True)
    ]
    return dataclasses.replace(
        grids[0],
        within=AdministrativeUnit(name="Toàn quốc", level=AdministrativeUnit.Level.PROVINCE),  # only its name shows
        rows=rows,
        groups=[GridGroup(None, "", rows)],
        grouped=False,
        columns=columns,
        districts=[],
        communes=sum(grid.communes for grid in grids),
        assessed=sum(grid.assessed for grid in grids),
        summary=summarise((row.met for row in rows), grids[0].bands),
    )


# ── Helpers ──


def _since_s(started: float) -> float:
    return time.perf_counter() - started


def _since(started: float) -> str:
    return f"{_since_s(started):.1f} s"


def _listed(values: list[float]) -> str:
    return " ".join(f"{value:.3f}" for value in values)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
