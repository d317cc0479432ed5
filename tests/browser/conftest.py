"""The browser harness: Playwright for Python drives Debian's Chromium (/usr/bin/chromium) against
pytest-django's live server, and every page a test visits is checked with axe-core.

- Chromium missing: the tests are skipped with the reason, unless TONGBAN_REQUIRE_BROWSER=1 (CI), where
  they fail.
- axe-core comes from the npm registry (package.json); when node_modules is missing and npm exists,
  `npm ci` runs once. axe is injected with an init script, which the page's CSP does not govern, so the
  pages are tested under the same CSP they are served with.
- A violation of impact "serious" or "critical" fails the test, printed one per line with its nodes.
  So does any CSP violation or JavaScript error the page reports.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TONGBAN_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FAILING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def _unavailable(reason: str) -> None:
    if os.environ.get("TONGBAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (TONGBAN_REQUIRE_BROWSER=1 requires the browser tests to run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=False)  # noqa: S607
    if not AXE.exists():
        _unavailable(f"axe-core is not installed ({AXE} missing): run `npm ci` in {ROOT}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session. Playwright's sync API keeps an asyncio loop in the test thread
    while it lives, which trips Django's async-safety guard on the test's own ORM calls (making data,
    flushing the database); the server answers in its own thread, so the guard is lifted meanwhile."""
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-wqy-zenhei")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} serious or critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {' '.join(map(str, node['target']))}: {summary}")
            lines.append(f"       {node['html'][:200]}")
    return "\n".join(lines)


@dataclass
class Portal:
    """A browser tab on the live server that checks each page it is asked to."""

    page: object
    base_url: str
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def visit(self, path: str, *, status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        if status >= 400:  # the browser logs the expected error status of the document itself
            expected = f"the server responded with a status of {status}"
            self.problems[:] = [p for p in self.problems if expected not in p]
        return self.page

    def check(self) -> None:
        """Fail on serious/critical axe violations and on CSP violations or script errors so far."""
        self.page.wait_for_load_state("load")
        # Let htmx finish swapping and CSS transitions end: axe measures colours as painted.
        self.page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
            " && document.getAnimations().length === 0"
        )
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
        assert not bad, format_violations(self.page.url, bad)
        assert not self.problems, "The page reported problems:\n" + "\n".join(self.problems)
        self.checked.append(self.page.url)


def _portal(browser, live_server, axe_source, viewport) -> Iterator[Portal]:
    context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
    context.add_init_script(script=axe_source)
    page = context.new_page()
    portal = Portal(page=page, base_url=live_server.url)
    page.on("pageerror", lambda error: portal.problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            portal.problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    yield portal
    context.close()


@pytest.fixture
def portal(transactional_db, browser, live_server, axe_source) -> Iterator[Portal]:
    yield from _portal(browser, live_server, axe_source, DESKTOP)


@pytest.fixture
def phone_portal(transactional_db, browser, live_server, axe_source) -> Iterator[Portal]:
    yield from _portal(browser, live_server, axe_source, PHONE)


@pytest.fixture
def catalog(transactional_db, browser, circle):
    """The catalog of the view tests, committed so that the live server's thread sees it."""
    from tongban.catalog.tests.test_views import build_portal_catalog

    return build_portal_catalog(circle)
