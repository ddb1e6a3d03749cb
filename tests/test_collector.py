"""The garbage collector's pause around bulk imports: off inside, back as it was after, whatever happens."""

import gc
import threading

import pytest

from ntm_portal.collector import collector_paused
from ntm_portal.spreadsheets import UnreadableFile


@pytest.fixture(autouse=True)
def collector_running():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_running_again_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_running_again_after_an_exception():
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a damaged file")
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outer_one():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_as_a_decorator_each_call_pauses():
    @collector_paused()
    def bulk_work() -> bool:
        return gc.isenabled()

    assert bulk_work() is False
    assert bulk_work() is False
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_last():
    first_inside, second_done, states = threading.Event(), threading.Event(), []

    def first():
        with collector_paused():
            first_inside.set()
            second_done.wait(5)
            states.append(("first, after the second ended", gc.isenabled()))

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(5)
    with collector_paused():
        pass
    second_done.set()
    thread.join(5)
    assert states == [("first, after the second ended", False)]
    assert gc.isenabled()


def test_an_import_runs_with_the_collector_paused(monkeypatch):
    """The results reader is wrapped: it sees the collector off while it reads."""
    from criteria.imports import results_wide

    seen = []

    def read_sheets(*args, **kwargs):
        seen.append(gc.isenabled())
        raise UnreadableFile("unreadable")

    monkeypatch.setattr(results_wide, "read_sheets", read_sheets)
    checked = results_wide.results_file_check(b"x", year=2024, criteria_set=None)
    assert [error.message for error in checked.errors] == ["unreadable"]
    assert seen == [False]
    assert gc.isenabled()
