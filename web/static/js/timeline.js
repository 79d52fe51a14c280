/* The timeline view: rows of queries/timeline.rq (one per thing, dated claim and
 * participant) folded into dated entries, grouped by year, with an overview strip of
 * the years. The country and actor filters are the query's own parameters. */
(function () {
  "use strict";

  const DSR = window.DSR;
  const el = DSR.el;
  const host = document.getElementById("timeline");
  const name = host.dataset.query;
  const form = document.getElementById("timeline-filters");
  const countrySelect = document.getElementById("f-country");
  const actorSelect = document.getElementById("f-actor");
  const COUNTRY = "ontology#Country";
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"];

  function humanDate(value) {
    const [year, month, day] = value.split("-");
    if (day) return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
    if (month) return `${MONTHS[Number(month) - 1]} ${year}`;
    return year;
  }

  function entries(rows) {
    const byKey = new Map();
    for (const row of rows) {
      const key = [DSR.value(row, "thing"), DSR.value(row, "date"), DSR.value(row, "claim")].join(" ");
      let entry = byKey.get(key);
      if (!entry) {
        entry = {thing: DSR.value(row, "thing"), label: DSR.value(row, "thingLabel"),
                 types: new Set(), date: DSR.value(row, "date"),
                 dateProperty: DSR.value(row, "dateProperty"), report: DSR.value(row, "report"),
                 quote: DSR.value(row, "quote"), claim: DSR.value(row, "claim"), participants: new Map()};
        byKey.set(key, entry);
      }
      if (row.type) entry.types.add(DSR.humanLocal(row.type.value));
      if (row.participant) {
        const iri = row.participant.value;
        const p = entry.participants.get(iri) || {iri, label: DSR.value(row, "participantLabel") || DSR.shorten(iri),
                                                   roles: new Set()};
        if (row.role) p.roles.add(DSR.humanLocal(row.role.value).toLowerCase());
        entry.participants.set(iri, p);
      }
    }
    return [...byKey.values()].sort((a, b) => a.date.localeCompare(b.date) || a.label.localeCompare(b.label));
  }

  function fillFilters(rows) {
    const countries = new Map();
    const actors = new Map();
    for (const row of rows) {
      if (!row.participant) continue;
      const iri = row.participant.value;
      const label = DSR.value(row, "participantLabel") || DSR.shorten(iri);
      const type = DSR.value(row, "participantType");
      (type.endsWith(COUNTRY) ? countries : actors).set(DSR.shorten(iri), label);
    }
    for (const [select, options] of [[countrySelect, countries], [actorSelect, actors]]) {
      const wanted = select.dataset.selected;
      if (wanted && !options.has(wanted)) options.set(wanted, wanted);
      const sorted = [...options.entries()].sort((a, b) => a[1].localeCompare(b[1]));
      for (const [value, label] of sorted) {
        select.append(el("option", {value, selected: value === wanted}, label));
      }
    }
  }

  function render(list) {
    host.replaceChildren();
    if (!list.length) {
      host.append(el("p", {class: "empty"}, "No dated agreements, contracts or events match these filters."));
      return;
    }
    const years = new Map();
    for (const entry of list) {
      const year = entry.date.slice(0, 4);
      if (!years.has(year)) years.set(year, []);
      years.get(year).push(entry);
    }
    const most = Math.max(...[...years.values()].map((e) => e.length));
    host.append(el("nav", {class: "year-strip", "aria-label": "Years"},
      [...years.entries()].map(([year, items]) => el("a", {href: "#year-" + year, class: "year-bar",
          title: `${items.length} in ${year}`},
        el("span", {class: "bar", style: `height:${Math.max(8, Math.round(48 * items.length / most))}px`}),
        el("span", {class: "year-label"}, year)))));
    for (const [year, items] of years) {
      const section = el("section", {class: "year", id: "year-" + year, "aria-labelledby": "year-h-" + year},
        el("h2", {id: "year-h-" + year}, year));
      const ol = el("ol", {class: "entries"});
      for (const entry of items) {
        const participants = [...entry.participants.values()].sort((a, b) => a.label.localeCompare(b.label));
        const ended = entry.dateProperty.endsWith("endDate");
        ol.append(el("li", {class: "entry", "data-thing": DSR.shorten(entry.thing)},
          el("p", {class: "entry-head"},
            el("time", {datetime: entry.date}, humanDate(entry.date)),
            ended ? el("span", {class: "badge"}, "ended") : null,
            [...entry.types].map((t) => el("span", {class: "badge"}, t))),
          el("h3", {}, el("a", {href: DSR.localHref(entry.thing)}, entry.label || DSR.shorten(entry.thing))),
          participants.length ? el("p", {class: "participants"}, participants.map((p, i) => [
            i ? ", " : "", el("a", {href: DSR.localHref(p.iri)}, p.label),
            p.roles.size ? el("span", {class: "role"}, " (" + [...p.roles].join(", ") + ")") : null])) : null,
          el("blockquote", {class: "source"}, el("q", {}, entry.quote),
            el("footer", {}, "— ", el("a", {href: DSR.localHref(entry.report)}, DSR.display(entry.report)),
               ", ", el("a", {href: DSR.localHref(entry.claim)}, "claim " + DSR.shorten(entry.claim).replace(/^claim:/, ""))))));
      }
      section.append(ol);
      host.append(section);
    }
  }

  function filters() {
    const params = new URLSearchParams();
    if (countrySelect.value) params.set("country", countrySelect.value);
    if (actorSelect.value) params.set("actor", actorSelect.value);
    return params;
  }

  async function load(params) {
    const query = params.toString();
    DSR.error("");
    DSR.status("Loading…");
    host.setAttribute("aria-busy", "true");
    try {
      const data = await DSR.fetchResults(`/queries/${name}${query ? "?" + query : ""}`);
      return data;
    } finally {
      host.removeAttribute("aria-busy");
    }
  }

  async function show(preloaded) {
    const params = filters();
    const query = params.toString();
    window.history.replaceState(null, "", "/views/timeline" + (query ? "?" + query : ""));
    document.querySelectorAll("[data-api-link]").forEach((a) => { a.href = `/queries/${name}${query ? "?" + query : ""}`; });
    document.querySelectorAll("[data-gallery-link]").forEach((a) => { a.href = `/gallery/${name}${query ? "?" + query : ""}`; });
    try {
      const data = preloaded && !query ? preloaded : await load(params);
      const list = entries(data.results.bindings);
      render(list);
      DSR.renderRowsTable(data);
      DSR.status(`${list.length} dated ${list.length === 1 ? "entry" : "entries"}` +
                 (query ? " matching the filters." : "."));
    } catch (error) {
      DSR.status("The timeline could not be loaded.");
      DSR.error(error.message);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  countrySelect.addEventListener("change", () => show());
  actorSelect.addEventListener("change", () => show());

  (async function start() {
    let all;
    try {
      all = await load(new URLSearchParams());
      fillFilters(all.results.bindings);
    } catch (error) {
      DSR.status("The timeline could not be loaded.");
      DSR.error(error.message);
      return;
    }
    show(all);
  })();
})();
