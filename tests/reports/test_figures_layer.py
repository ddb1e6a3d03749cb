"""The figures package prints from plain data: no module of it queries the database or holds a model."""

import ast
import dataclasses
import typing
from pathlib import Path

import reports.figures
from reports.figures import ReportFigures

PACKAGE = Path(reports.figures.__file__).parent
QUERY_CALLS = {"filter", "aggregate", "annotate", "exclude", "values_list", "raw"}


def test_no_module_of_the_figures_queries_the_database():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Attribute) and node.attr == "objects"), f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in QUERY_CALLS, f"{path.name}:{node.lineno} calls .{node.func.attr}()"


def test_the_figures_hold_no_model_instance():
    seen, pending = set(), [ReportFigures]
    while pending:
        kind = pending.pop()
        if kind in seen:
            continue
        seen.add(kind)
        for hint in typing.get_type_hints(kind).values():
            for part in (
                hint,
                *typing.get_args(hint),
                *(a for arg in typing.get_args(hint) for a in typing.get_args(arg)),
            ):
                if isinstance(part, type):
                    assert not hasattr(part, "_meta"), f"{kind.__name__} holds the model {part.__name__}"
                    if dataclasses.is_dataclass(part):
                        pending.append(part)
    assert len(seen) > 10
