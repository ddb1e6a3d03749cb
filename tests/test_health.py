"""/healthz: 200 when the database, the evidence storage and (when configured) Redis answer, 503 otherwise;
public, outside the language prefix, and saying nothing beyond "ok" or "failed" per check."""

import socket

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware"


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_200_without_signing_in(client):
    response = client.get("/healthz")

    assert reverse("healthz") == "/healthz"
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "evidence_storage": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_stays_public_when_every_page_requires_signing_in(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, LOGIN_REQUIRED]
    assert client.get(reverse("home")).status_code == 302

    assert client.get("/healthz").status_code == 200


def test_an_unwritable_evidence_storage_fails_the_check(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        # A folder inside a regular file cannot be created, even by root.
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocker)}},
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "evidence_storage": "failed"}


def test_an_unreachable_database_fails_the_check_and_its_error_is_not_shown(client, monkeypatch, tmp_path):
    # The check connects afresh in a worker thread, from the settings this connection shares; neither
    # PostgreSQL nor SQLite can open a database of that name.
    missing = str(tmp_path / "missing" / "portal")
    monkeypatch.setitem(connection.settings_dict, "NAME", missing)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "failed", "evidence_storage": "ok"}
    assert missing.encode() not in response.content


@pytest.mark.parametrize(("port", "status", "answer"), [(6379, 200, "ok"), (None, 503, "failed")])
def test_redis_is_checked_when_configured(client, settings, port, status, answer):
    settings.REDIS_URL = f"redis://127.0.0.1:{port or unused_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == status
    assert response.json() == {"database": "ok", "evidence_storage": "ok", "redis": answer}
