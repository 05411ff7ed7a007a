"""Accessibility check for the browser tests: axe-core (npm, pwa/node_modules) run in the page.

`assert_accessible(page, "citizen form")` runs axe over what the page shows now and fails on
any violation of impact "serious" or "critical", naming the rule, the help text and the
offending elements. Lesser findings ("minor", "moderate") are returned, not failed, so a test
may print or assert on them.

The script is evaluated through the DevTools protocol (Playwright's `page.evaluate` with a
source string), which the page's Content-Security-Policy does not govern: the app's strict CSP
stays on, and nothing is injected as an inline <script>.
"""
from __future__ import annotations

from functools import lru_cache

from tests.conftest import ROOT

AXE_SCRIPT = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


@lru_cache(maxsize=1)
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `make install` (npm ci in pwa/)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page, include: str | None = None) -> list[dict]:
    """Every axe violation on the page now (optionally only inside the CSS selector `include`)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;true")
    context = include if include else "document"
    return page.evaluate(
        """async (context) => {
            const target = context === 'document' ? document : {include: [[context]]};
            const result = await window.axe.run(target, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        context,
    )


def assert_accessible(page, label: str, include: str | None = None) -> list[dict]:
    """Fail on serious or critical violations; return the lesser ones."""
    violations = axe_violations(page, include)
    bad = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not bad, f"{label}: accessibility violations:\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']} at {v['nodes']}" for v in bad)
    return [v for v in violations if v["impact"] not in FAILING_IMPACTS]
