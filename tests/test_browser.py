"""The site in a real browser: Playwright driving Debian's chromium against the real
server (``live_server``) over the real graph. Every test also checks that the page
logged no console error and made no request to another origin; the main pages are
saved as screenshots in tests/screenshots/ (two of them are shown in the README).

Assertions rest on stable anchors of the data (Serbia, Huawei, the Clean Network,
Albania's membership of it), so they hold while curation goes on."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "tests" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUNDLE = ROOT / "web" / "static" / "vendor" / "editor.js"
BASE_IRI = "https://w3id.org/dsr-balkans/"


def ENTITY_PAGE(slug: str) -> re.Pattern:
    """The address of an entity's page: /id/SLUG, or the document it redirects to (303)."""
    return re.compile(rf"/id/{slug}(\.html)?$")


def _require(path: Path, what: str) -> None:
    """Missing front-end files fail in CI (make install builds them) and skip elsewhere."""
    if not path.exists():
        message = f"{path.relative_to(ROOT)} is missing ({what}): run `make install` (npm ci + frontend/build.mjs)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make system-test-deps` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Tab:
    """A page, and what went wrong on it: console errors and requests leaving the origin."""
    page: Page
    origin: str
    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Tolerate console errors matching pattern (e.g. the 400 a bad query must get)."""
        self.allowed.append(re.compile(pattern))

    def check(self) -> None:
        problems = [p for p in self.problems if not any(a.search(p) for a in self.allowed)]
        assert problems == [], problems


def _open_tab(browser, origin: str, **context_options) -> Tab:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=origin, **context_options)
    page = context.new_page()
    tab = Tab(page, origin)
    page.on("console", lambda m: tab.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.problems.append(f"page error: {e}"))

    def on_request(request):
        url = request.url
        if not (url == origin or url.startswith(origin + "/") or url.startswith("data:")):
            tab.problems.append(f"request to another origin: {url}")
    page.on("request", on_request)
    return tab


@pytest.fixture
def tab(browser, live_server):
    tab = _open_tab(browser, live_server.rstrip("/"))
    yield tab
    tab.page.context.close()
    tab.check()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


# --- home, search, entity and report pages ---------------------------------------------

def test_home_page_numbers_sources_and_entry_points(tab):
    page = tab.page
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Digital Silk Road in the Western Balkans")
    expect(page.locator("table.sources tbody tr")).to_have_count(5)
    for stat in ("entities", "claims", "facts", "contested"):
        text = page.locator(f'[data-stat="{stat}"]').inner_text()
        assert re.fullmatch(r"[\d,]+", text), (stat, text)
    assert int(page.locator('[data-stat="entities"]').inner_text().replace(",", "")) > 50
    for href in ("/query", "/gallery", "/views/timeline", "/views/matrix", "/views/graph"):
        expect(page.locator(f'main a[href="{href}"]').first).to_be_visible()
    shot(page, "home")
    # a report page, from the sources table
    link = page.locator("table.sources tbody a[href^='/report/']").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/report/[a-z0-9-]+(\.html)?$"))
    expect(page.locator("main")).to_contain_text(title[:40])
    tab.check()


def test_search_type_ahead_by_keyboard_finds_vucic_without_accents(tab):
    page = tab.page
    page.goto("/")
    box = page.locator("#site-search-q")
    box.focus()
    box.press_sequentially("Vucic", delay=40)
    option = page.locator("#typeahead-1-list [role=option]").first
    expect(option).to_contain_text("Aleksandar Vučić")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    shot(page, "search")
    box.press("Enter")
    page.wait_for_url(ENTITY_PAGE("aleksandar-vucic"))
    expect(page.locator("h1")).to_contain_text("Vučić")
    tab.check()


def test_search_page_lists_results_linking_to_entity_pages(tab):
    page = tab.page
    page.goto("/search?q=serbia")
    first = page.locator("ol.results li a.result-label").first
    expect(first).to_have_text("Serbia")
    first.click()
    page.wait_for_url(ENTITY_PAGE("serbia"))
    expect(page.locator("h1")).to_contain_text("Serbia")
    tab.check()


def test_entity_and_report_pages_read_without_javascript(browser, live_server):
    tab = _open_tab(browser, live_server.rstrip("/"), java_script_enabled=False)
    page = tab.page
    try:
        page.goto("/id/serbia")
        expect(page.locator("h1")).to_contain_text("Serbia")
        expect(page.locator("main a[href^='/report/']").first).to_be_attached()
        shot(page, "entity")
        page.goto("/report/surveying-dsr-western-balkans")
        expect(page.locator("main")).to_contain_text("Surveying China’s Digital Silk Road")
        expect(page.locator("main a[href^='/claim/']").first).to_be_attached()
        tab.check()
    finally:
        page.context.close()


# --- canned-query gallery ----------------------------------------------------------------

def test_gallery_runs_a_canned_query_and_a_result_leads_to_an_entity_page(tab):
    page = tab.page
    page.goto("/gallery")
    page.locator('a[href="/gallery/clean-network"]').first.click()
    page.wait_for_url("**/gallery/clean-network")
    albania = page.locator('#results table.results a[href="/id/albania"]').first
    expect(albania).to_be_visible()
    expect(page.locator("#results q.quote").first).not_to_be_empty()
    expect(page.locator('#results a[href^="/report/"]').first).to_be_visible()
    formats = page.locator("#downloads a").evaluate_all("links => links.map(a => a.dataset.format)")
    assert formats == ["json", "xml", "csv", "tsv"]
    shot(page, "gallery")
    page.locator("#query-source summary").click()
    expect(page.locator("#query-source pre.sparql .tok-keyword").first).to_be_visible()
    albania.click()
    page.wait_for_url(ENTITY_PAGE("albania"))
    expect(page.locator("h1")).to_contain_text("Albania")
    tab.check()


def test_gallery_parameter_form_with_entity_type_ahead(tab):
    page = tab.page
    page.goto("/gallery/facts-with-sources")
    expect(page.locator("#results table.results")).to_be_visible()
    field = page.locator("#param-entity")
    field.fill("")
    field.press_sequentially("Huawe", delay=40)
    page.locator("[role=option]", has_text="Huawei").first.click()
    expect(field).to_have_value("id:huawei")
    page.locator("#params-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"entity=id%3Ahuawei"))
    expect(page.locator('#results table.results a[href="/id/huawei"]').first).to_be_visible()
    tab.check()


def test_gallery_form_without_javascript_downloads_the_results(browser, live_server):
    tab = _open_tab(browser, live_server.rstrip("/"), java_script_enabled=False, accept_downloads=True)
    page = tab.page
    try:
        page.goto("/gallery/clean-network")
        page.locator("#nojs-format").select_option("csv")
        with page.expect_download() as download:
            page.locator("#params-form button[type=submit]").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.splitlines()[0].startswith("actor,") and "/id/albania" in text
        tab.check()
    finally:
        page.context.close()


# --- query editor ------------------------------------------------------------------------

def test_query_editor_highlights_completes_runs_and_shares(tab):
    _require(BUNDLE, "the SPARQL editor bundle")
    page = tab.page
    page.goto("/query")
    editor = page.locator(".cm-editor .cm-content")
    expect(editor).to_be_visible()
    expect(page.locator("#query-text")).to_be_hidden()
    # syntax highlighting: keywords and variables are styled tokens
    assert page.locator(".cm-line span").count() > 5
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    # prefix completion in a PREFIX declaration
    page.keyboard.type("PREFIX ds", delay=30)
    page.keyboard.press("Control+Space")
    option = page.locator(".cm-tooltip-autocomplete li", has_text="dsr: <https://w3id.org/dsr-balkans/ontology#>")
    expect(option).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    # term completion after a prefix
    page.keyboard.type("SELECT ?who WHERE { ?who dsr:memberO", delay=30)
    expect(page.locator(".cm-tooltip-autocomplete li", has_text="dsr:memberOf").first).to_be_visible()
    page.wait_for_timeout(250)      # CodeMirror ignores an Enter in the first 75 ms of a popup
    page.keyboard.press("Enter")
    page.keyboard.type(" id:clean-network }", delay=20)
    page.keyboard.press("Escape")
    assert "dsr:memberOf id:clean-network" in page.locator("#query-text").input_value()
    page.keyboard.press("Control+Enter")
    expect(page.locator('#results a[href="/id/albania"]').first).to_be_visible()
    expect(page.locator("#status")).to_contain_text("rows")
    formats = page.locator("#downloads a").evaluate_all("links => links.map(a => a.dataset.format)")
    assert formats == ["json", "xml", "csv", "tsv"]
    csv = page.request.get(page.locator('#downloads a[data-format="csv"]').get_attribute("href"))
    assert csv.ok and "text/csv" in csv.headers["content-type"] and "albania" in csv.text()
    shot(page, "query")
    # the address now holds the query: opening it elsewhere runs it again
    shared = page.url
    assert "dsr:memberOf id:clean-network" in parse_qs(urlparse(shared).query)["query"][0]
    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator('#results a[href="/id/albania"]').first).to_be_visible()
    tab.check()


def test_query_editor_falls_back_to_a_textarea_without_the_bundle(tab):
    page = tab.page
    tab.allow(r"ERR_FAILED")      # the blocked bundle
    page.route("**/static/vendor/**", lambda route: route.abort())
    page.goto("/query")
    textarea = page.locator("#query-text")
    expect(textarea).to_be_visible()
    textarea.fill("SELECT ?c WHERE { ?c dsr:memberOf id:clean-network }")
    page.locator("#run").click()
    expect(page.locator('#results a[href="/id/albania"]').first).to_be_visible()
    tab.check()


def test_query_editor_shows_the_endpoint_error_for_a_malformed_query(tab):
    page = tab.page
    tab.allow(r"status of 400")
    page.goto("/query?query=" + "SELECT%20WHERE%20%7B")
    expect(page.locator("#error")).to_be_visible()
    assert page.locator("#error").inner_text().strip()
    expect(page.locator("#status")).to_contain_text("failed")
    tab.check()


# --- views -------------------------------------------------------------------------------

def test_timeline_renders_dated_entries_and_filters_by_country(tab):
    page = tab.page
    page.goto("/views/timeline")
    entries = page.locator("#timeline li.entry")
    expect(entries.first).to_be_visible()
    rows = page.request.get("/queries/timeline", headers={"Accept": "application/sparql-results+json"}).json()
    expected = {(b["thing"]["value"], b["date"]["value"], b["claim"]["value"]) for b in rows["results"]["bindings"]}
    assert entries.count() == len(expected) >= 1
    dates = page.locator("#timeline li.entry time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates)
    shot(page, "timeline")
    page.locator("#query-source summary").click()
    expect(page.locator("#query-source pre.sparql")).to_contain_text("dsr:date")
    countries = page.locator("#f-country option").evaluate_all("os => os.map(o => o.value)")
    assert "id:serbia" in countries, countries
    page.locator("#f-country").select_option("id:serbia")
    page.wait_for_url(re.compile(r"country=id%3Aserbia"))
    expect(page.locator("#status")).to_contain_text("matching the filters")
    assert 1 <= entries.count() <= len(expected)
    tab.check()


def test_matrix_shows_albania_in_the_clean_network_with_its_source(tab):
    page = tab.page
    page.goto("/views/matrix")
    cell = page.locator('tr[data-country="id:albania"] td[data-partner="id:clean-network"]')
    expect(cell).to_contain_text("member of")
    expect(page.locator('thead th[data-partner="id:huawei"]')).to_be_visible()
    expect(page.locator('tr[data-country="id:serbia"]')).to_be_visible()
    source = cell.locator("a.src").first
    assert source.get_attribute("href").startswith("/claim/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#matrix").screenshot(path=str(SHOTS / "matrix.png"))
    page.locator("#f-columns").select_option("Initiative")
    expect(page.locator('thead th[data-partner="id:huawei"]')).to_have_count(0)
    expect(cell).to_contain_text("member of")
    # who uses which vendor for 5G: the cells are exactly the query's Western Balkan pairs
    page.locator("#f-columns").select_option("all")
    page.locator("#f-technology").select_option("dsr:tech-5g")
    page.wait_for_url(re.compile(r"technology=dsr%3Atech-5g"))
    expect(page.locator("#f-technology")).to_have_value("dsr:tech-5g")
    expect(page.locator("#matrix[aria-busy]")).to_have_count(0)
    rows = page.request.get("/queries/country-matrix?technology=dsr:tech-5g",
                            headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    expected = {(b["country"]["value"].rsplit("/", 1)[1], b["partner"]["value"].rsplit("/", 1)[1])
                for b in rows if b["westernBalkans"]["value"] == "true"}
    shown = page.locator("#matrix td.filled").evaluate_all(
        "tds => tds.map(td => [td.closest('tr').dataset.country, td.dataset.partner])")
    assert {(c.split(":")[1], p.split(":")[1]) for c, p in shown} == expected
    page.goto("/views/matrix")
    source = page.locator('tr[data-country="id:albania"] td[data-partner="id:clean-network"] a.src').first
    source.click()
    page.wait_for_url(re.compile(r"/claim/r\d{3}-\d{3}(\.html)?$"))
    expect(page.locator("main")).to_contain_text("Albania")
    tab.check()


def test_neighbourhood_graph_draws_and_walks(tab):
    page = tab.page
    page.goto("/views/graph?entity=id:clean-network")
    centre = page.locator('svg.graph a.node.centre')
    expect(centre).to_have_attribute("data-node", "id:clean-network")
    albania = page.locator('svg.graph a.node[data-node="id:albania"]')
    expect(albania).to_be_visible()
    expect(page.locator("svg.graph a.edge").first).to_be_attached()
    expect(page.locator("#graph-legend li").first).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("figure.graph-figure").screenshot(path=str(SHOTS / "graph.png"))
    albania.click()
    page.wait_for_url(re.compile(r"entity=id%3Aalbania"))
    expect(page.locator("svg.graph a.node.centre")).to_have_attribute("data-node", "id:albania")
    # a hub: every neighbour on a ring, each a keyboard-reachable link
    page.goto("/views/graph?entity=id:huawei&steps=1")
    expect(page.locator('svg.graph a.node[data-node="id:serbia"]')).to_be_visible()
    rows = page.request.get("/queries/neighbourhood?entity=id:huawei",
                            headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    huawei = BASE_IRI + "id/huawei"
    neighbours = {b[end]["value"] for b in rows for end, other in (("subject", "object"), ("object", "subject"))
                  if b[other]["value"] == huawei}
    assert page.locator("svg.graph a.node").count() == len(neighbours | {huawei})
    tab.check()


# --- accessibility -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/search?q=serbia", "/query", "/gallery", "/gallery/clean-network",
                                  "/views/timeline", "/views/matrix", "/views/graph?entity=id:serbia"])
def test_pages_have_no_serious_accessibility_violations(browser, live_server, path):
    _require(AXE, "axe-core, the accessibility checker")
    tab = _open_tab(browser, live_server.rstrip("/"), bypass_csp=True)   # to inject axe-core
    page = tab.page
    try:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                   for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
        tab.check()
    finally:
        page.context.close()
