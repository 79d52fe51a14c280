/* Site-wide helpers and the search type-ahead (WAI-ARIA combobox with a listbox popup).
 * Every input with [data-typeahead] gets suggestions from /search (JSON) as you type.
 * data-typeahead="id" fills the input with the entity's prefixed name (for query
 * parameters) instead of opening its page. Plain forms keep working without JS. */
(function () {
  "use strict";

  const DSR = (window.DSR = window.DSR || {});
  DSR.base = document.documentElement.dataset.base || "";
  const prefixNode = document.getElementById("dsr-prefixes");
  DSR.prefixes = prefixNode ? JSON.parse(prefixNode.textContent) : {};
  const reportNode = document.getElementById("dsr-report-labels");
  DSR.reportLabels = reportNode ? JSON.parse(reportNode.textContent) : {};

  /* How an IRI reads in a page: a report by its short label, anything else as id:serbia. */
  DSR.display = function (iri) {
    return DSR.reportLabels[iri] || DSR.shorten(iri);
  };

  /* Build an element: el("a", {href: "/x", class: "y"}, "text", otherNode). */
  DSR.el = function (tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };

  /* The path on this server for an IRI of ours (the server maps paths onto the base IRI). */
  DSR.localHref = function (iri) {
    return DSR.base && iri.startsWith(DSR.base) ? "/" + iri.slice(DSR.base.length) : iri;
  };

  /* id:serbia for an IRI under one of our prefixes (longest namespace wins), else the IRI. */
  DSR.shorten = function (iri) {
    let best = null;
    for (const [name, ns] of Object.entries(DSR.prefixes)) {
      if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [name, ns];
    }
    return best ? best[0] + ":" + iri.slice(best[1].length) : iri;
  };

  DSR.isLocal = function (iri) {
    return Boolean(DSR.base) && iri.startsWith(DSR.base);
  };

  let comboboxCount = 0;

  DSR.typeahead = function (input) {
    const fillMode = input.dataset.typeahead === "id";
    const id = "typeahead-" + ++comboboxCount;
    const list = DSR.el("ul", {id: id + "-list", role: "listbox", class: "typeahead-list",
                               "aria-label": "Suggestions"});
    list.hidden = true;
    const live = DSR.el("span", {class: "visually-hidden", role: "status", "aria-live": "polite"});
    const wrap = DSR.el("div", {class: "typeahead"});
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input, list, live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    let results = [];
    let active = -1;
    let request = 0;
    let timer = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(result) {
      if (fillMode) {
        input.value = result.id;
        close();
        input.dispatchEvent(new Event("change", {bubbles: true}));
      } else {
        window.location.assign(result.url);
      }
    }

    function render(text) {
      list.replaceChildren();
      results.forEach((result, i) => {
        const option = DSR.el("li", {id: id + "-opt-" + i, role: "option", "aria-selected": "false",
                                     class: "typeahead-option"},
          DSR.el("span", {class: "option-label"}, result.label),
          DSR.el("span", {class: "option-type"}, result.types.join(", ")),
          result.matched !== result.label ? DSR.el("span", {class: "option-alias"}, "“" + result.matched + "”") : null,
          fillMode ? DSR.el("code", {class: "option-id"}, result.id) : null);
        option.addEventListener("mousedown", (event) => event.preventDefault());
        option.addEventListener("click", () => choose(result));
        list.append(option);
      });
      if (!results.length && text) {
        list.append(DSR.el("li", {class: "typeahead-empty", role: "presentation"}, "No match"));
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      live.textContent = results.length + (results.length === 1 ? " suggestion" : " suggestions");
      highlight(-1);
    }

    async function lookup() {
      const text = input.value.trim();
      const mine = ++request;
      if (!text) {
        results = [];
        close();
        return;
      }
      try {
        const response = await fetch("/search?limit=8&q=" + encodeURIComponent(text),
                                     {headers: {Accept: "application/json"}});
        if (!response.ok) return;
        const data = await response.json();
        if (mine !== request) return; // a newer keystroke won
        results = data.results;
        render(text);
      } catch (error) {
        /* the plain form still works: nothing to do */
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(lookup, 120);
    });
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown") {
        if (list.hidden) { lookup(); return; }
        event.preventDefault();
        if (open) highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        highlight(active <= 0 ? results.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(results[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", close);
  };

  document.querySelectorAll("input[data-typeahead]").forEach(DSR.typeahead);
})();
