"""Entering a whole commune-year on the entry form by keyboard only, as a person would: type each value, Tab to
the next, Enter on "Lưu". Counts every key pressed against the ideal (each value's keys, one Tab after each,
one Enter), so an extra stop in the Tab order shows. Shared by the browser test and bench/entry.py."""

import re
import time
from dataclasses import dataclass

# The value fields, in the order of the page: the inputs and selects among the criteria, not the overrides.
VALUE_FIELDS = ".entry-form fieldset.criterion input:not([type=hidden]), .entry-form fieldset.criterion select"
MAX_EXTRA_TABS = 50


def indicator_ids(field_ids: list[str]) -> set[int]:
    """The indicators the fields are of ("id_ind_12", "id_ind_12__part")."""
    return {int(match.group(1)) for field_id in field_ids if (match := re.match(r"id_ind_(\d+)", field_id))}


@dataclass
class KeyboardRun:
    field_ids: list[str]
    keystrokes: int
    ideal: int
    seconds: float


def _value_keys(field: dict) -> list[str]:
    """The keys a person presses for a valid value in this field, chosen from what its help says it takes."""
    if field["tag"] == "select":
        # Yes/no: "C" picks "Có"; a criterion's result: one step down picks "Đạt".
        return ["c"] if field["options"][1:2] == ["Có"] else ["ArrowDown"]
    help_text = field["help"]
    level = re.search(r"mức độ (\d)", help_text)
    if level or "mức từ 1 đến 5" in help_text:
        return [level.group(1) if level else "2"]
    threshold = re.search(r"Ngưỡng đạt chuẩn: [≥≤>=<] ([\d.,]+)", help_text)
    return list(threshold.group(1) if threshold else "1")


def _fields(page) -> list[dict]:
    return page.eval_on_selector_all(
        VALUE_FIELDS,
        """elements => elements.map(element => ({
            id: element.id,
            tag: element.tagName.toLowerCase(),
            options: element.tagName === "SELECT" ? Array.from(element.options, option => option.text) : [],
            help: (document.getElementById(element.id + "_helptext") || {}).textContent || "",
        }))""",
    )


def _focused(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def enter_commune_year(page) -> KeyboardRun:
    """On an open entry form with the cursor where the page puts it: enter every value, then save."""
    fields = _fields(page)
    keystrokes = ideal = 0
    started = time.perf_counter()
    for field in fields:
        extra = 0
        while _focused(page) != field["id"]:
            extra += 1
            assert extra <= MAX_EXTRA_TABS, f"Tab never reaches {field['id']}"
            page.keyboard.press("Tab")
        keys = _value_keys(field)
        for key in keys:
            page.keyboard.press(key)
        page.keyboard.press("Tab")
        keystrokes += extra + len(keys) + 1
        ideal += len(keys) + 1
    assert page.evaluate("document.activeElement.type") == "submit", "Tab after the last value leads to Save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return KeyboardRun([field["id"] for field in fields], keystrokes + 1, ideal + 1, time.perf_counter() - started)
