"""axe-core in the browser tests: a page passes with no serious or critical violation."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("serious", "critical")


def blocking_violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page as it stands, one line per element."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def assert_accessible(page) -> None:
    violations = blocking_violations(page)
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)
