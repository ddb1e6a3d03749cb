import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def test_vietnamese_first_with_local_time():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import ntm_portal.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/x.sqlite3", "django.db.backends.sqlite3"),
        ("postgres://u@127.0.0.1:5432/db", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_engine(url, engine):
    result = _import_settings({"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == engine


def test_production_refuses_missing_secret_key_and_debug():
    assert "SECRET_KEY must be set" in _import_settings({"NTM_ENV": "production"}).stderr
    debug_on = _import_settings({"NTM_ENV": "production", "SECRET_KEY": "x" * 50, "DEBUG": "1"})
    assert "DEBUG must be off" in debug_on.stderr
    ok = _import_settings({"NTM_ENV": "production", "SECRET_KEY": "x" * 50})
    assert ok.returncode == 0, ok.stderr


def test_evidence_goes_to_object_storage_when_configured():
    code = (
        "import ntm_portal.settings as s; e = s.STORAGES['evidence']; "
        "print(e['BACKEND'], e['OPTIONS']['bucket_name'], e['OPTIONS']['default_acl'], s.EVIDENCE_MAX_BYTES)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "EVIDENCE_STORAGE": "s3",
            "EVIDENCE_S3_BUCKET": "ho-so",
            "EVIDENCE_MAX_BYTES": "5",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "ho-so", "private", "5"]


def test_evidence_stays_on_local_disk_by_default():
    local = _import_settings({})
    assert local.returncode == 0
    assert settings.STORAGES["evidence"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert settings.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024


# ── production settings ──

PRODUCTION = {"NTM_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "ntm.example.gov.vn"}


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def _settings_values(env: dict, *names: str) -> list[str]:
    code = f"import ntm_portal.settings as s; print(*(repr(getattr(s, name, None)) for name in {names!r}), sep='|')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_production_settings_pass_the_deployment_checks():
    result = _check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "warning"),
    [
        ("SECURE_HSTS_SECONDS", "0", "security.W004"),
        ("SECURE_SSL_REDIRECT", "0", "security.W008"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0", "security.W005"),
    ],
)
def test_a_weakened_production_setting_fails_the_deployment_checks(variable, value, warning):
    result = _check_deploy({**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert warning in result.stderr


def test_production_cookies_are_secure_and_https_is_enforced_for_a_year():
    values = _settings_values(
        PRODUCTION,
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert values == ["True", "True", "True", str(365 * 24 * 3600), "None"]


def test_locally_nothing_insists_on_https():
    # The settings the tests run with are the local ones (no NTM_ENV).
    assert (settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT) == (
        False,
        False,
        False,
    )
    assert settings.SECURE_HSTS_SECONDS == 0


def test_behind_a_proxy_that_terminates_tls_the_redirect_is_off_and_its_header_trusted():
    env = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO, https"}
    assert _settings_values(env, "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER") == [
        "False",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
    ]
    refused = _import_settings({**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"})
    assert "SECURE_PROXY_SSL_HEADER must be two values" in refused.stderr


def test_sessions_end_after_the_idle_hours_and_at_browser_close_unless_configured():
    names = ("SESSION_COOKIE_AGE", "SESSION_SAVE_EVERY_REQUEST", "SESSION_EXPIRE_AT_BROWSER_CLOSE")
    assert _settings_values({}, *names) == [str(8 * 3600), "True", "True"]
    configured = {"SESSION_IDLE_HOURS": "2", "SESSION_EXPIRE_AT_BROWSER_CLOSE": "0"}
    assert _settings_values(configured, *names) == [str(2 * 3600), "True", "False"]


def test_passwords_need_ten_characters_and_the_shared_passwords_pass():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from ntm_portal.demo.accounts import DEMO_PASSWORD
    from tests.personas import PASSWORD

    with pytest.raises(ValidationError) as refused:
        validate_password("Cao-Bang9")  # 9 characters
    assert [error.code for error in refused.value.error_list] == ["password_too_short"]
    validate_password("Cao-Bang91")
    validate_password(DEMO_PASSWORD)
    validate_password(PASSWORD)
