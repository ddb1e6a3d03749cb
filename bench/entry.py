"""Benchmark: a commune official enters a whole commune-year on the entry form by keyboard only, in headless
Chromium, against the ideal of the same run: each value's keys, one Tab after each value, one Enter on "Lưu".

The commune-year is Xã Hưng Đạo in 2024 (QĐ 318/QĐ-TTg, 19 criteria: indicators and the criteria entered
directly) from tests/personas.py, on a throwaway database (an SQLite file by default, or a database
`<name>_bench_entry` on the PostgreSQL server of DATABASE_URL, dropped afterwards), served by Django's live
server thread. The keys are those tests/keyboard_entry.py presses, shared with the browser test. Usage:

    .venv/bin/python bench/entry.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_portal .venv/bin/python bench/entry.py

Goal: no more keystrokes than the ideal (the Tab order holds the values and "Lưu" only), which keeps a person
under 2 minutes: `person_s` counts half a second a key, a practised clerk's pace reading from the paper form.
Measured 12/2026: 58 keys for 27 fields, the ideal (issue 16 counted 122 keys over 77 stops while the overrides
stood between the values).
Last line: RESULT keystrokes=… ideal=… extra=… fields=… seconds=… person_s=…
"""

import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import throwaway_database

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the Playwright sync API runs an event loop here
YEAR = 2024
SECONDS_PER_KEY = 0.5
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def main() -> None:
    with throwaway_database("entry"):
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.test.testcases import LiveServerThread

        from tests.personas import build_world

        world = build_world()
        server = LiveServerThread("localhost", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            run = _enter(f"http://localhost:{server.port}", world.commune_a.pk)
        finally:
            server.terminate()
    extra = run.keystrokes - run.ideal
    print(f"fields: {len(run.field_ids)}; keys pressed {run.keystrokes}, ideal {run.ideal}")
    print(
        f"RESULT keystrokes={run.keystrokes} ideal={run.ideal} extra={extra} fields={len(run.field_ids)} "
        f"seconds={run.seconds:.2f} person_s={run.keystrokes * SECONDS_PER_KEY:.0f}"
    )


def _enter(base_url: str, unit_id: int):
    from playwright.sync_api import sync_playwright

    from tests.keyboard_entry import enter_commune_year
    from tests.personas import PASSWORD

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="vi-VN", viewport={"width": 1366, "height": 768})
        page.goto(f"{base_url}/accounts/login/")
        page.fill("#id_username", "official_a")
        page.fill("#id_password", PASSWORD)
        page.click("form[action$='/accounts/login/'] button[type=submit]")
        page.goto(f"{base_url}/communes/{unit_id}/{YEAR}/edit/")
        run = enter_commune_year(page)
        assert page.locator(".message-success").count() == 1, "the results were not saved"
        browser.close()
    return run


if __name__ == "__main__":
    main()
