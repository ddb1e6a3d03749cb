"""An issued report for the demo, so that the leader's dashboard has a report to download from the start.

The province's annual report 2021, with short narrative sections written for the demo (not the seeds' text).
"""

import datetime

from django.contrib.auth import get_user_model

from communes.models import AdministrativeUnit
from reports.models import Report
from reports.services import report_create, report_issue, report_save

YEAR = 2021
NARRATIVE = {
    "communication": "Các cấp, các ngành tiếp tục đẩy mạnh tuyên truyền về xây dựng nông thôn mới trên báo, đài "
    "và hệ thống loa truyền thanh cơ sở (nội dung minh họa).",
    "achievements": "Số xã đạt chuẩn và bình quân tiêu chí/xã tiếp tục tăng; nhiều tiêu chí hạ tầng được cải thiện "
    "(nội dung minh họa).",
    "shortcomings": "Một số xã đã đạt chuẩn chưa duy trì được đầy đủ các tiêu chí (nội dung minh họa).",
    "solutions": "Tập trung nguồn lực cho các xã phấn đấu đạt chuẩn; rà soát, củng cố các tiêu chí đã đạt "
    "(nội dung minh họa).",
}


def demo_report_issue() -> Report | None:
    """Issue the province's 2021 annual report unless one is already issued. Takes a few seconds (the PDF)."""
    province = AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)
    if Report.objects.filter(unit=province, year_to=YEAR, status=Report.Status.ISSUED).exists():
        return None
    staff = get_user_model().objects.get(username="vpdp.tinh")
    report = report_create(user=staff, unit=province, kind=Report.Kind.ANNUAL, year_from=YEAR, year_to=YEAR)
    header = {"number": "45", "issued_on": datetime.date(YEAR + 1, 3, 15), "signer_name": "(Bản minh họa)"}
    report = report_save(user=staff, report=report, version=report.version, header=header, narrative=NARRATIVE)
    return report_issue(user=staff, report=report, version=report.version)
