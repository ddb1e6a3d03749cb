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
