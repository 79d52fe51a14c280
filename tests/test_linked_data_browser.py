"""Linked Data pages in a real browser (Playwright + Debian's chromium): entity, claim
and ontology pages load without console errors or requests to other origins, and a
hash IRI such as ``ontology#Country`` survives the 303 and scrolls to its section."""

from __future__ import annotations

from pathlib import Path

import pytest


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make system-test-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, path: str):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url.startswith(url) or r.url.startswith("data:")
            else problems.append(f"request to another origin: {r.url}"))
    response = page.goto(url + path)
    return page, response, problems


def test_entity_and_claim_pages_load_cleanly(browser, url):
    for path, heading in (("/id/serbia", "Serbia"), ("/id/huawei", "Huawei")):
        page, response, problems = open_page(browser, url, path)
        assert response.status == 200 and page.url == f"{url}{path}.html"
        assert page.locator("h1").first.inner_text() == heading
        assert page.locator("#types .ld-inferred").count() > 0
        assert problems == [], problems
        page.context.close()


def test_hash_iri_lands_on_its_section(browser, url):
    page, response, problems = open_page(browser, url, "/ontology#Country")
    assert page.url == f"{url}/ontology.html#Country"
    section = page.locator("section#Country")
    assert section.count() == 1
    assert section.is_visible()
    top = page.evaluate("document.getElementById('Country').getBoundingClientRect().top")
    assert 0 <= top < 200, f"#Country is not scrolled into view (top={top})"
    assert problems == [], problems
    page.context.close()


def test_quote_in_context_is_highlighted(browser, url):
    page, response, problems = open_page(browser, url, "/report/surveying-dsr-western-balkans")
    first_claim = page.locator("table.ld-claims-table tbody tr td a").first
    first_claim.click()
    page.wait_for_load_state()
    assert "/claim/" in page.url
    mark = page.locator("blockquote.ld-context mark#quote")
    assert mark.count() == 1 and len(mark.inner_text()) >= 12
    assert problems == [], problems
    page.context.close()
