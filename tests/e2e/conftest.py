"""End-to-end fixtures: one real `streamlit run` server and one real Chromium for the whole module."""

from __future__ import annotations

import os

import pytest

from tests.e2e.browser import CHROMIUM_ARGS, PHONE, chromium_path, streamlit_server


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
    with streamlit_server() as url:
        yield url


def _page(browser, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture()
def page(browser, app_url):
    yield from _page(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture()
def phone_page(browser, app_url):
    """A page as a phone held upright shows it: its screen, touch, and a phone's User-Agent."""
    yield from _page(browser, **PHONE)
