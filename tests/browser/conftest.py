"""Browser fixtures: a Swedish browser, a Content-Security-Policy watch, page audits."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from tests.browser.axe import assert_no_axe_violations


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser in Sweden sends Accept-Language: sv; without this Chromium asks for en-US.
    return {**browser_context_args, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}


class CSPWatch:
    """Collects the browser's console errors about Content-Security-Policy violations
    from every page of the contexts it watches."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.on("console", self._on_console)
        return context

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            page_url = message.page.url if message.page else "?"
            self.violations.append(f"{page_url}: {message.text}")

    def assert_none(self) -> None:
        assert not self.violations, "Content-Security-Policy violations:\n" + "\n".join(
            self.violations
        )


@pytest.fixture
def csp(context: BrowserContext) -> Iterator[CSPWatch]:
    """Watches the `page` fixture's context; call `csp.watch(other_context)` for more."""
    watch = CSPWatch()
    watch.watch(context)
    yield watch
    watch.assert_none()


@pytest.fixture
def audit(csp: CSPWatch) -> Callable[[Page], None]:
    """Check the page as it is now: no CSP violations so far, then no axe violations.

    The CSP check comes first, so that whatever the axe injection does cannot hide
    or cause a violation of the page itself."""

    def audit_page(page: Page) -> None:
        page.wait_for_load_state("load")
        csp.assert_none()
        assert_no_axe_violations(page)

    return audit_page
