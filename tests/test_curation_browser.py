"""The validation form in a real browser (Playwright, Debian's chromium): paste Turtle,
read the report, fix it, see it conform; upload a file. Runs on a writable miniature
project so each validation takes a fraction of a second."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.curator import CLAIM_TTL, start_writable, writable_project
from tests.test_browser import _open_tab, browser, shot  # noqa: F401 - the module-scoped browser fixture

BAD = CLAIM_TTL.replace("a dsr:Claim", "a dsr:Claim, dsr:Compnay")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = writable_project(tmp_path_factory.mktemp("vbrowser") / "project")
    proc = start_writable(project, tmp_path_factory.mktemp("vblog") / "server.log")
    yield proc
    proc.stop()


@pytest.fixture
def tab(browser, server):  # noqa: F811
    tab = _open_tab(browser, server.url)
    yield tab
    tab.page.context.close()
    tab.check()


def test_paste_validate_fix_and_conform(tab):
    page = tab.page
    page.goto("/")
    page.get_by_role("link", name="Validate").click()
    expect(page.get_by_role("heading", name="Validate triples")).to_be_visible()
    page.get_by_label("RDF to check").fill(BAD)
    page.get_by_role("button", name="Validate").click()
    expect(page.get_by_role("heading", name="Does not conform")).to_be_visible()
    report = page.locator(".validation-report")
    expect(report).to_contain_text("unknown class dsr:Compnay")
    expect(report).to_contain_text("Did you mean dsr:Company?")
    expect(report).to_contain_text("request body.ttl:7")
    shot(page, "validate-report")
    # The textarea keeps what was sent: fix the class in place and validate again.
    area = page.get_by_label("RDF to check")
    expect(area).to_have_value(BAD)
    area.fill(area.input_value().replace(", dsr:Compnay", ""))
    page.get_by_role("button", name="Validate").click()
    expect(page.get_by_role("heading", name="Conforms")).to_be_visible()


def test_upload_a_file(tab, tmp_path):
    path = tmp_path / "new-claims.ttl"
    path.write_text(BAD, encoding="utf-8")
    page = tab.page
    page.goto("/validate")
    page.get_by_label("…or upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Validate").click()
    expect(page.locator(".validation-report")).to_contain_text("new-claims.ttl:7")


def test_a_syntax_error_is_shown_on_the_page(tab):
    tab.allow("400")
    page = tab.page
    page.goto("/validate")
    page.get_by_label("RDF to check").fill(CLAIM_TTL.replace('dsr:Claim ;', 'dsr:Claim ;;;; "'))
    page.get_by_role("button", name="Validate").click()
    expect(page.locator(".validation-report")).to_contain_text("syntax error")
    expect(page.locator(".validation-report")).to_contain_text("request body.ttl:7")
