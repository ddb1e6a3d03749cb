"""Report bands are data of a criteria set: checked, defaulted by the set's size, and counted the same way."""

import pytest

from criteria.bands import BandsError, default_scheme, scheme, scheme_for, summarise


def test_the_19_criteria_default_is_the_seeds():
    bands = default_scheme(19)
    assert [band.label for band in bands.all_bands] == ["19", "15-18", "10-14", "5-9", "<5", "<10"]
    assert [band.key for band in bands.all_bands] == ["all", "15_18", "10_14", "5_9", "under_5", "under_10"]


@pytest.mark.parametrize(
    ("criteria", "labels"),
    [(10, ["10", "8-9", "5-7", "<5"]), (5, ["5", "4", "3", "<3"]), (2, ["2", "1", "<1"]), (1, ["1", "<1"])],
)
def test_other_sizes_get_bands_of_their_own(criteria, labels):
    bands = default_scheme(criteria)
    assert [band.label for band in bands.bands] == labels
    assert sorted(met for band in bands.bands for met in range(band.low, band.high + 1)) == list(range(criteria + 1))


def test_declared_bands_win_and_count_each_commune_once_plus_the_extra_lines():
    bands = scheme_for(10, {"bands": [[10, 10], [6, 9], [0, 5]], "under": [8]})
    summary = summarise([10, 10, 9, 7, 5, 0], bands)
    assert summary.by_band == {"all": 2, "6_9": 2, "under_6": 2, "under_8": 3}
    assert summary.communes == 6 and summary.criteria_met_total == 41


@pytest.mark.parametrize(
    "ranges",
    [
        [(10, 10), (5, 8), (0, 4)],  # 9 is missing
        [(10, 10), (5, 9), (0, 5)],  # 5 twice
        [(9, 10), (0, 8)],  # "all" is not alone
        [(10, 10), (5, 9)],  # does not reach 0
        [],
    ],
)
def test_bands_that_do_not_partition_are_refused_in_vietnamese(ranges):
    with pytest.raises(BandsError, match=r"[Kk]hoảng"):
        scheme(ranges, criteria=10)


def test_an_under_line_outside_the_set_is_refused():
    with pytest.raises(BandsError, match="dưới 12 tiêu chí"):
        scheme([(10, 10), (0, 9)], criteria=10, under=[12])


@pytest.mark.django_db
def test_a_set_refuses_bands_that_do_not_fit_its_criteria():
    from django.core.exceptions import ValidationError

    from criteria.catalogue_loading import criteria_catalogue_load
    from criteria.models import CriteriaSet
    from criteria.selectors import set_bands

    criteria_catalogue_load()
    qd51 = CriteriaSet.objects.get(code="QD51-2025")
    assert [band.label for band in set_bands(qd51).all_bands] == ["10", "8-9", "5-7", "<5"]
    qd51.report_bands = {"bands": [[19, 19], [0, 18]]}
    with pytest.raises(ValidationError, match="đi từ 10 xuống 0"):
        qd51.full_clean()
    qd51.report_bands = {"bands": [[10, 10], [6, 9], [0, 5]], "under": [8]}
    qd51.full_clean()
    assert [band.label for band in set_bands(qd51).all_bands] == ["10", "6-9", "<6", "<8"]
