import pytest

from funding.catalogue_loading import funding_sources_load
from funding.models import FundingSource


@pytest.fixture
def catalogue(db) -> dict[str, FundingSource]:
    funding_sources_load()
    return {source.code: source for source in FundingSource.objects.select_related("parent")}


def test_top_level_sources_in_report_order(catalogue):
    top = FundingSource.objects.filter(parent=None).order_by("position")
    assert list(top.values_list("code", flat=True)) == [
        "central",
        "local",
        "integrated",
        "credit",
        "enterprises",
        "community",
        "ntm_fund",
        "sponsors",
        "other",
    ]
    assert catalogue["central"].name == "Ngân sách Trung ương"
    assert catalogue["ntm_fund"].name == "Quỹ xây dựng nông thôn mới"


def test_budgets_are_split_into_their_parts(catalogue):
    def children(code: str) -> list[str]:
        return list(catalogue[code].children.order_by("position").values_list("code", flat=True))

    assert children("central") == ["central.investment", "central.recurrent", "central.reserve"]
    assert children("local") == ["local.province", "local.district", "local.commune"]
    assert catalogue["central.investment"].name == "Vốn đầu tư phát triển"
    assert catalogue["local.commune"].parent == catalogue["local"]


def test_credit_is_flagged_so_reports_can_leave_it_out(catalogue):
    assert [code for code, source in catalogue.items() if source.is_credit] == ["credit"]
    budget = {code for code, source in catalogue.items() if source.is_budget}
    assert budget == {code for code in catalogue if code.split(".")[0] in {"central", "local", "integrated"}}


def test_reloading_keeps_ids_and_changes_nothing(catalogue):
    before = list(FundingSource.objects.order_by("pk").values())
    report = funding_sources_load()
    assert list(FundingSource.objects.order_by("pk").values()) == before
    counts = report.tables[FundingSource]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 15)
