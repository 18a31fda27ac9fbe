"""End-to-end fixtures: one real `streamlit run` server and one real Chromium for the whole module.

When a browser test fails, its report shows what the page showed, what the browser's console said and the
tail of the server's log, and a screenshot is saved (its path is printed): a failure seen only in CI can
then be read from CI's output.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.e2e.browser import CHROMIUM_ARGS, PHONE, chromium_path, streamlit_server

SERVER_LOG = Path(tempfile.gettempdir()) / f"hdr-e2e-server-{os.getpid()}.log"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that a fixture can tell in its teardown whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        reason = "no Chromium on this machine (install Debian's `chromium`, or set HDR_CHROMIUM): end-to-end tests need a real browser"
        if os.environ.get("HDR_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def app_url():
    with streamlit_server(log_path=SERVER_LOG) as url:
        yield url
    SERVER_LOG.unlink(missing_ok=True)


def _report_failure(page, console: list[str], name: str) -> None:
    """Print what a failing test's page showed, its console's warnings and errors, and the server log's tail."""
    shot = Path(tempfile.gettempdir()) / f"hdr-e2e-{name}.png"
    try:
        page.screenshot(path=str(shot), full_page=True)
        shown = page.locator("[data-testid=stMain]").inner_text(timeout=2_000)
        stale = page.locator("[data-stale=true]").count()
        status = page.locator("[data-testid=stStatusWidget]").all_inner_texts()
    except Exception as error:  # noqa: BLE001 (the page may be gone; say so and go on)
        shown, stale, status = f"(could not read the page: {error})", "?", []
    log = SERVER_LOG.read_text(errors="replace")[-3000:] if SERVER_LOG.exists() else "(no server log)"
    print(f"--- screenshot: {shot}\n--- the page at {page.url} showed ({stale} stale elements, status {status}):\n"
          f"{shown[-3000:]}\n--- browser console:\n" + "\n".join(console[-40:]) + f"\n--- server log (tail):\n{log}")


def _page(request, browser, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on("console", lambda message: message.type in ("error", "warning") and console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _report_failure(page, console, request.node.name.replace("/", "_")[:120])
    context.close()


@pytest.fixture()
def page(request, browser, app_url):
    yield from _page(request, browser, viewport={"width": 1280, "height": 900})


@pytest.fixture()
def phone_page(request, browser, app_url):
    """A page as a phone held upright shows it: its screen, touch, and a phone's User-Agent."""
    yield from _page(request, browser, **PHONE)
