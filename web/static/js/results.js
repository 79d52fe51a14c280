/* Fetching SPARQL results from our own endpoints and showing them as tables whose IRIs
 * link to the entity, report and claim pages of this server. Shared by the query
 * editor, the canned-query gallery and the views. */
(function () {
  "use strict";

  const DSR = window.DSR;
  const el = DSR.el;
  const RESULTS_JSON = "application/sparql-results+json";
  const RENDER_LIMIT = 5000;

  /* Download formats, as values of the endpoints' `format` parameter. */
  DSR.SELECT_FORMATS = [["json", "SPARQL JSON"], ["xml", "SPARQL XML"], ["csv", "CSV"], ["tsv", "TSV"]];
  DSR.GRAPH_FORMATS = [["turtle", "Turtle"], ["ntriples", "N-Triples"], ["jsonld", "JSON-LD"], ["rdfxml", "RDF/XML"],
                       ["trig", "TriG"], ["nquads", "N-Quads"]];

  /* GET or POST to /sparql or /queries/NAME; resolves to SPARQL JSON results (CONSTRUCT and
   * DESCRIBE answers, asked for as N-Triples, are turned into subject/predicate/object rows).
   * Rejects with the server's own message (e.g. the parser's error and position). */
  DSR.fetchResults = async function (url, init) {
    const options = Object.assign({}, init || {});
    options.headers = Object.assign({Accept: RESULTS_JSON + ", application/n-triples;q=0.9"}, options.headers || {});
    const started = performance.now();
    const response = await fetch(url, options);
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    const body = await response.text();
    if (!response.ok) {
      let message = body;
      if (type.includes("json")) {
        try {
          const parsed = JSON.parse(body);
          message = parsed.message || parsed.error || parsed.description || body;
        } catch (error) { /* keep the raw text */ }
      } else if (type === "text/html") {
        const doc = new DOMParser().parseFromString(body, "text/html");
        message = (doc.querySelector("[role=alert], .error-message, main, body") || doc.body).textContent.trim();
      }
      const failure = new Error(message.trim() || response.statusText);
      failure.status = response.status;
      throw failure;
    }
    let data;
    if (type === "application/n-triples" || type === "text/plain") {
      data = DSR.parseNTriples(body);
    } else {
      data = JSON.parse(body);
    }
    data.elapsed = performance.now() - started;
    return data;
  };

  const TERM = /^(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?)\s*/;

  function unescapeLiteral(text) {
    return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (m, u4, u8, ch) => {
      if (u4 || u8) return String.fromCodePoint(parseInt(u4 || u8, 16));
      return {t: "\t", n: "\n", r: "\r", b: "\b", f: "\f", '"': '"', "'": "'", "\\": "\\"}[ch] || ch;
    });
  }

  function readTerm(rest) {
    const m = TERM.exec(rest);
    if (!m) throw new Error("cannot read N-Triples near: " + rest.slice(0, 60));
    let term;
    if (m[1] !== undefined) term = {type: "uri", value: m[1]};
    else if (m[2] !== undefined) term = {type: "bnode", value: m[2]};
    else {
      term = {type: "literal", value: unescapeLiteral(m[3])};
      if (m[4]) term["xml:lang"] = m[4];
      if (m[5]) term.datatype = m[5];
    }
    return [term, rest.slice(m[0].length)];
  }

  /* N-Triples text as SPARQL JSON results with the variables subject, predicate, object. */
  DSR.parseNTriples = function (text) {
    const bindings = [];
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line || line.startsWith("#")) continue;
      let rest = line, subject, predicate, object;
      [subject, rest] = readTerm(rest);
      [predicate, rest] = readTerm(rest);
      [object, rest] = readTerm(rest);
      bindings.push({subject, predicate, object});
    }
    return {head: {vars: ["subject", "predicate", "object"]}, results: {bindings}};
  };

  /* A result term as a node: IRIs of ours link to their page on this server. */
  DSR.termNode = function (term, variable) {
    if (!term) return "";
    if (term.type === "uri") {
      const local = DSR.isLocal(term.value);
      return el("a", {href: DSR.localHref(term.value), title: term.value,
                      class: DSR.reportLabels[term.value] ? "report" : local ? "iri" : "iri external",
                      rel: local ? null : "noopener"},
                DSR.display(term.value));
    }
    if (term.type === "bnode") return el("code", {class: "bnode"}, "_:" + term.value);
    if (variable && /quote/i.test(variable)) return el("q", {class: "quote"}, term.value);
    const lang = term["xml:lang"];
    const datatype = term.datatype;
    const plain = !datatype || /#(string|langString)$/.test(datatype);
    return el("span", {class: plain ? "literal" : "literal typed", title: plain ? null : DSR.shorten(datatype)},
              term.value, lang ? el("span", {class: "lang"}, "@" + lang) : null);
  };

  /* Render SPARQL JSON results into host; returns the number of rows. */
  DSR.renderResults = function (host, data, caption) {
    host.replaceChildren();
    if (typeof data.boolean === "boolean") {
      host.append(el("p", {class: "ask-result"}, "ASK: ", el("strong", {}, String(data.boolean))));
      return 1;
    }
    const vars = data.head.vars || [];
    const rows = data.results.bindings;
    const shown = rows.slice(0, RENDER_LIMIT);
    const table = el("table", {class: "results"},
      el("caption", {}, caption || (rows.length + (rows.length === 1 ? " row" : " rows"))),
      el("thead", {}, el("tr", {}, vars.map((v) => el("th", {scope: "col"}, "?" + v)))));
    const body = el("tbody");
    for (const row of shown) {
      body.append(el("tr", {}, vars.map((v) => el("td", {class: /quote/i.test(v) ? "quote-cell" : null},
                                                  DSR.termNode(row[v], v)))));
    }
    table.append(body);
    host.append(el("div", {class: "table-wrap"}, table));
    if (rows.length > shown.length) {
      host.append(el("p", {class: "note"}, `Showing the first ${shown.length} of ${rows.length} rows; download them all above.`));
    }
    return rows.length;
  };

  /* Links to the same results in every format; makeUrl(format) gives the URL. */
  DSR.renderDownloads = function (host, makeUrl, formats) {
    host.replaceChildren(el("span", {class: "downloads-label"}, "Download:"),
      ...formats.map(([format, label]) => el("a", {href: makeUrl(format), download: "", "data-format": format}, label)));
    host.hidden = false;
  };

  /* The first keyword of a query after prologue and comments: SELECT, ASK, CONSTRUCT or DESCRIBE. */
  DSR.queryForm = function (text) {
    const stripped = text.replace(/#[^\n]*/g, " ").replace(/<[^>\s]*>/g, "<>").replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(stripped);
    return m ? m[1].toUpperCase() : "SELECT";
  };

  /* Status and error boxes of a page (ids status, error). */
  DSR.status = function (text) {
    const node = document.getElementById("status");
    if (node) node.textContent = text;
  };
  DSR.error = function (text) {
    const node = document.getElementById("error");
    if (!node) return;
    node.hidden = !text;
    node.textContent = text || "";
  };

  /* MemorandumOfUnderstanding -> "Memorandum of understanding". */
  DSR.humanLocal = function (iri) {
    const local = iri.split(/[#/]/).pop();
    const words = local.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
    return words.charAt(0).toUpperCase() + words.slice(1);
  };

  /* Column values of SPARQL JSON rows as plain strings (or "" when unbound). */
  DSR.value = function (row, variable) {
    return row[variable] ? row[variable].value : "";
  };

  const SPARQL_TOKENS = new RegExp([
    "(#[^\\n]*)",                                           // 1 comment
    "(<[^\\s<>]*>)",                                        // 2 IRI
    "(\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')",  // 3 string
    "([?$][A-Za-z_]\\w*)",                                  // 4 variable
    "([A-Za-z][\\w-]*:[\\w\\-.]*[\\w-]|[A-Za-z][\\w-]*:)",      // 5 prefixed name
    "\\b(SELECT|DISTINCT|REDUCED|WHERE|OPTIONAL|FILTER|UNION|MINUS|GRAPH|SERVICE|BIND|VALUES|ORDER|GROUP|BY|" +
      "HAVING|LIMIT|OFFSET|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE|FROM|NAMED|NOT|EXISTS|AS|IN|ASC|DESC|a)\\b",  // 6 keyword
  ].join("|"), "gi");
  const TOKEN_CLASSES = [null, "tok-comment", "tok-iri", "tok-string", "tok-variable", "tok-pname", "tok-keyword"];

  /* Static highlighting of the SPARQL text of a <code> element (no editor needed). */
  DSR.highlightSparql = function (code) {
    const text = code.textContent;
    const parts = [];
    let last = 0;
    for (const m of text.matchAll(SPARQL_TOKENS)) {
      if (m.index > last) parts.push(text.slice(last, m.index));
      const group = m.findIndex((g, i) => i > 0 && g !== undefined);
      parts.push(el("span", {class: TOKEN_CLASSES[group]}, m[0]));
      last = m.index + m[0].length;
    }
    parts.push(text.slice(last));
    code.replaceChildren(...parts);
  };
  document.querySelectorAll("pre.sparql code").forEach(DSR.highlightSparql);

  /* Rows of a query as a table inside the "The rows as a table" disclosure of a view. */
  DSR.renderRowsTable = function (data) {
    const host = document.getElementById("rows-table");
    if (host) DSR.renderResults(host, data);
  };
})();
