/* The country matrix: rows of queries/country-matrix.rq folded into a table of countries
 * (rows) by initiatives and vendors (columns). A cell lists each link with its stance
 * and numbered links to the claims behind it. */
(function () {
  "use strict";

  const DSR = window.DSR;
  const el = DSR.el;
  const host = document.getElementById("matrix");
  const name = host.dataset.query;
  const columnsSelect = document.getElementById("f-columns");
  const viaBox = document.getElementById("f-via");
  const rowsSelect = document.getElementById("f-rows");
  const technologySelect = document.getElementById("f-technology");
  const SHOWN_SOURCES = 3;     // more sources than this fold behind "+N"
  const KINDS = [["TechnologyVendor", "Technology vendors"], ["Initiative", "Initiatives"]];
  let model = null;

  function relationText(iri) {
    return DSR.humanLocal(iri).toLowerCase();
  }

  function stanceOf(link) {
    if (link.stance.endsWith("#Denied")) return "denied";
    if (!link.certainty.endsWith("#Stated")) return "hedged";
    return "affirmed";
  }

  function build(rows) {
    const countries = new Map();
    const westernBalkans = new Set();
    const partners = new Map();
    const cells = new Map();
    for (const row of rows) {
      const country = DSR.value(row, "country");
      const partner = DSR.value(row, "partner");
      countries.set(country, DSR.value(row, "countryLabel") || DSR.shorten(country));
      if (DSR.value(row, "westernBalkans") === "true") westernBalkans.add(country);
      partners.set(partner, {label: DSR.value(row, "partnerLabel") || DSR.shorten(partner),
                             kind: DSR.value(row, "partnerKind").split("#").pop()});
      const key = country + " " + partner;
      const links = cells.get(key) || [];
      const link = {relation: DSR.value(row, "relation"), via: DSR.value(row, "via"),
                    viaLabel: DSR.value(row, "viaLabel"), stance: DSR.value(row, "stance"),
                    certainty: DSR.value(row, "certainty"), report: DSR.value(row, "report"),
                    quote: DSR.value(row, "quote"), claim: DSR.value(row, "claim")};
      if (!links.some((l) => l.claim === link.claim && l.via === link.via)) links.push(link);
      cells.set(key, links);
    }
    return {countries, westernBalkans, partners, cells};
  }

  function cell(links) {
    // One line per (relation, stance); its sources numbered, each saying through what
    // the link runs and the report's quote. "Show what links them" lists the things too.
    const groups = new Map();
    for (const link of links) {
      const key = [link.relation, stanceOf(link)].join(" ");
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(link);
    }
    const marks = {affirmed: "✓", hedged: "?", denied: "✗"};
    const words = {affirmed: "", hedged: "hedged: ", denied: "denied: "};
    const detailed = viaBox.checked;
    return el("ul", {class: "cell-links"}, [...groups.values()].map((group) => {
      const first = group[0];
      const stance = stanceOf(first);
      const vias = new Map(group.filter((l) => l.via).map((l) => [l.via, l.viaLabel || DSR.shorten(l.via)]));
      const sources = group.map((link, i) => el("a", {href: DSR.localHref(link.claim), class: "src",
        title: `${link.via ? "via " + (link.viaLabel || DSR.shorten(link.via)) + " — " : ""}` +
               `${DSR.display(link.report)}: “${link.quote}”`,
        "aria-label": `source ${i + 1}: ${DSR.shorten(link.claim)} in ${DSR.display(link.report)}`}, `[${i + 1}]`));
      const shown = sources.length > SHOWN_SOURCES + 1 ? sources.slice(0, SHOWN_SOURCES) : sources;
      return el("li", {class: stance},
        el("span", {class: "relation-head"},
          el("span", {class: "mark " + stance, "aria-hidden": "true"}, marks[stance]), " ",
          el("span", {class: "visually-hidden"}, words[stance]),
          el("span", {class: "relation"}, relationText(first.relation))), " ",
        shown,
        shown.length < sources.length ? el("details", {class: "more"},
          el("summary", {"aria-label": `${sources.length - shown.length} more sources`}, `+${sources.length - shown.length}`),
          sources.slice(shown.length)) : null,
        detailed && vias.size ? el("span", {class: "vias"}, " via ",
          [...vias.entries()].map(([iri, label], i) => [i ? "; " : "", el("a", {href: DSR.localHref(iri)}, label)])) : null);
    }));
  }

  function render() {
    const {countries, westernBalkans, partners, cells} = model;
    const wanted = columnsSelect.value;
    const region = rowsSelect.value === "wb" && westernBalkans.size
      ? new Map([...countries].filter(([iri]) => westernBalkans.has(iri))) : countries;
    const kinds = KINDS.filter(([kind]) => wanted === "all" || wanted === kind);
    // Most connected first: the columns and rows people look for (Huawei, Serbia) lead.
    const degree = new Map();
    for (const key of cells.keys()) {
      const [country, partner] = key.split(" ");
      if (!region.has(country)) continue;
      degree.set(country, (degree.get(country) || 0) + 1);
      degree.set(partner, (degree.get(partner) || 0) + 1);
    }
    const byDegree = (a, b) => (degree.get(b[0]) || 0) - (degree.get(a[0]) || 0);
    const columns = kinds.map(([kind, title]) => [kind, title,
      [...partners.entries()].filter(([iri, p]) => p.kind === kind && degree.has(iri))
        .sort((a, b) => byDegree(a, b) || a[1].label.localeCompare(b[1].label))])
      .filter(([, , list]) => list.length);
    const rows = [...region.entries()].sort((a, b) => byDegree(a, b) || a[1].localeCompare(b[1]))
      .filter(([country]) => columns.some(([, , list]) => list.some(([partner]) => cells.has(country + " " + partner))));
    host.replaceChildren();
    if (!rows.length) {
      host.append(el("p", {class: "empty"}, "No links between countries and these vendors or initiatives yet."));
      DSR.status("0 countries.");
      return 0;
    }
    const table = el("table", {class: "matrix"},
      el("caption", {}, `${rows.length} countries × ${columns.reduce((n, c) => n + c[2].length, 0)} vendors and initiatives`),
      el("thead", {},
        el("tr", {}, el("td", {class: "corner"}), columns.map(([, title, list]) =>
          el("th", {scope: "colgroup", colspan: String(list.length), class: "group"}, title))),
        el("tr", {}, el("th", {scope: "col"}, "Country"), columns.map(([, , list]) => list.map(([iri, p]) =>
          el("th", {scope: "col", "data-partner": DSR.shorten(iri)}, el("a", {href: DSR.localHref(iri)}, p.label)))))));
    const body = el("tbody");
    for (const [country, label] of rows) {
      body.append(el("tr", {"data-country": DSR.shorten(country)},
        el("th", {scope: "row"}, el("a", {href: DSR.localHref(country)}, label)),
        columns.map(([, , list]) => list.map(([partner]) => {
          const links = cells.get(country + " " + partner);
          return el("td", {"data-partner": DSR.shorten(partner), class: links ? "filled" : "empty"},
                    links ? cell(links) : "");
        }))));
    }
    table.append(body);
    host.append(table);
    const links = rows.reduce((n, [country]) => n + columns.reduce((m, [, , list]) =>
      m + list.reduce((k, [partner]) => k + (cells.get(country + " " + partner) || []).length, 0), 0), 0);
    DSR.status(`${rows.length} ${rows.length === 1 ? "country" : "countries"}, ${links} sourced links.`);
    return rows.length;
  }

  function changed() {
    const params = new URLSearchParams();
    params.set("rows", rowsSelect.value);
    params.set("columns", columnsSelect.value);
    if (technologySelect.value) params.set("technology", technologySelect.value);
    if (viaBox.checked) params.set("via", "1");
    window.history.replaceState(null, "", "/views/matrix?" + params);
    if (model) render();
  }
  for (const control of [rowsSelect, columnsSelect, viaBox]) control.addEventListener("change", changed);
  technologySelect.addEventListener("change", () => {
    changed();
    load();
  });

  async function load() {
    const query = technologySelect.value ? "?technology=" + encodeURIComponent(technologySelect.value) : "";
    document.querySelectorAll("[data-api-link]").forEach((a) => { a.href = `/queries/${name}${query}`; });
    document.querySelectorAll("[data-gallery-link]").forEach((a) => { a.href = `/gallery/${name}${query}`; });
    DSR.error("");
    DSR.status("Loading…");
    host.setAttribute("aria-busy", "true");
    try {
      const data = await DSR.fetchResults(`/queries/${name}${query}`);
      model = build(data.results.bindings);
      render();
      DSR.renderRowsTable(data);
    } catch (error) {
      DSR.status("The matrix could not be loaded.");
      DSR.error(error.message);
    } finally {
      host.removeAttribute("aria-busy");
    }
  }

  const search = new URLSearchParams(window.location.search);
  for (const [select, param] of [[columnsSelect, "columns"], [rowsSelect, "rows"]]) {
    const wanted = search.get(param);
    if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }
  viaBox.checked = search.get("via") === "1";
  load();
})();
