import os
import shutil

import pytest

# The Playwright sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, not a browser downloaded by Playwright (nothing can be downloaded here).
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1366, "height": 768}}


@pytest.fixture(scope="session")
def browser(browser):
    """Chromium, and at the end of the session the database connections the tests opened meanwhile closed.

    Starting the Playwright sync API leaves the test thread in another context (contextvars) until Playwright
    stops, so Django opens the tests' connections there, apart from the one it made the test database with.
    Closed here, before Playwright stops; otherwise dropping the test database finds them still open."""
    yield browser
    from django.db import connections

    connections.close_all()


# What Chromium writes to the console when the Content-Security-Policy blocks something.
CSP_VIOLATION_MARKERS = ("Content Security Policy", "Refused to")


@pytest.fixture(autouse=True)
def no_content_security_policy_violation(request):
    """Every browser test fails when a page, or a tab it opens, breaks the Content-Security-Policy: the
    policy is on in tests too, so an inline script, handler or style attribute shows up here."""
    if request.node.get_closest_marker("browser") is None or "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations = []

    def note(message):
        if any(marker in message.text for marker in CSP_VIOLATION_MARKERS):
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    page.context.on("console", note)
    yield violations
    # A round trip to the browser delivers the console messages still on their way.
    for open_page in page.context.pages:
        if not open_page.is_closed():
            open_page.evaluate("0")
    assert violations == [], "\n".join(violations)


@pytest.fixture
def english_messages():
    """Messages in English, for modules that assert them word for word (`pytest.mark.usefixtures`); the
    Vietnamese catalogue is checked in tests/test_i18n.py."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """Django's test client whose login() passes a request, as django-axes' backend requires: a sign-in in a test
    is counted and throttled like one through the sign-in page."""
    from tests.sign_in import SignInClient

    return SignInClient()


@pytest.fixture
def world(db):
    from tests.personas import build_world

    return build_world()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.25 s per user; the tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Evidence files land in the test's own folder, never in the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def world_for_module(django_db_setup, django_db_blocker):
    """The world of tests/personas.py, built once for a test module and rolled back at its end (as
    `demo_for_module`): for modules that try many inputs against the same few units."""
    from django.db import transaction
    from django.test import override_settings

    from tests.personas import build_world

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                world = build_world()
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_for_module(django_db_setup, django_db_blocker):
    """The Cao Bằng demo, loaded once for a test module inside a transaction rolled back at its end; each test
    runs in a savepoint within it (the pattern of Django's TestCase.setUpTestData)."""
    import io

    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Demo passwords hashed as the tests check them (the fast hasher above).
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
