"""axe-core (from npm, locked in package-lock.json) in a page and in each of its frames, for the
browser tests: the serious and critical violations (and skipped heading levels), told apart into
ours and Streamlit's own.

Violations inside Streamlit's widgets are not the project's markup: each is listed here with its
upstream issue, and reported as such rather than hidden; anything else fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from core import settings

AXE_JS = settings.PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
SETTLE_ATTEMPTS = 5
# What fails: every serious or critical violation, and a skipped heading level (axe calls it
# moderate, but it breaks the outline screen readers navigate by).
IMPACTS = ["serious", "critical"]
RULES = ["heading-order"]
# (axe rule, the Streamlit part it fires in: a CSS selector the element lies within) -> upstream issue.
# The sidebar navigation of st.navigation with sections puts each section's <li>s in a <div> inside
# the <ul>; no issue specific to it was found upstream, so it is filed under Streamlit's open
# accessibility issue (page structure and semantics).
STREAMLIT_OWN: dict[tuple[str, str], str] = {
    ("list", '[data-testid="stSidebarNavItems"]'): "https://github.com/streamlit/streamlit/issues/8399",
    ("listitem", '[data-testid="stSidebarNavItems"]'): "https://github.com/streamlit/streamlit/issues/8399",
}
RUN_AXE = """async ([known, impacts, rules]) => {
    const result = await axe.run(document, {resultTypes: ['violations'], iframes: false});
    const found = [];
    for (const rule of result.violations) {
        if (!impacts.includes(rule.impact) && !rules.includes(rule.id)) continue;
        for (const node of rule.nodes) {
            const element = document.querySelector(node.target[0]);
            const own = known.find(([id, within]) => id === rule.id && element && element.closest(within));
            found.push({rule: rule.id, impact: rule.impact, target: node.target.join(' '),
                html: node.html.slice(0, 200), why: node.failureSummary, upstream: own ? own[2] : ''});
        }
    }
    return found;
}"""


@dataclass(frozen=True)
class Violation:
    frame: str  # the frame's URL ("about:srcdoc" for a map)
    rule: str
    impact: str
    target: str
    html: str
    why: str  # axe's failure summary
    upstream: str  # the Streamlit issue when the element is Streamlit's own, else ""

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}) in {self.frame}: {self.target} {self.html}\n    {self.why}"


def violations(page: Page) -> list[Violation]:
    """The violations that fail (IMPACTS, RULES) in `page` and in every frame it holds (maps, components)."""
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make assets` (npm ci)")
    for _ in range(SETTLE_ATTEMPTS):
        try:
            return _run(page)
        except PlaywrightError as exc:  # a frame replaced by a rerun while being read: read them all again
            if "detached" not in str(exc):
                raise
            page.wait_for_timeout(500)
    return _run(page)


def _run(page: Page) -> list[Violation]:
    known = [[rule, within, issue] for (rule, within), issue in STREAMLIT_OWN.items()]
    found = []
    for frame in page.frames:
        frame.add_script_tag(path=AXE_JS)
        found += [Violation(frame.url, **v) for v in frame.evaluate(RUN_AXE, [known, IMPACTS, RULES])]
    return found
