/* A canned query's page: runs /queries/NAME with the form's parameters, shows the rows
 * (IRIs link to their pages, quotes as quotes), offers every download format and keeps
 * the parameters in the page address. Runs once on load with the defaults. */
(function () {
  "use strict";

  const DSR = window.DSR;
  const form = document.getElementById("params-form");
  const name = form.dataset.query;
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const source = document.querySelector("#query-source pre");
  const form_ = DSR.queryForm(source ? source.textContent : "");
  const formats = form_ === "CONSTRUCT" || form_ === "DESCRIBE" ? DSR.GRAPH_FORMATS : DSR.SELECT_FORMATS;

  function parameters() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (String(value).trim()) params.append(key, String(value).trim());
    }
    return params;
  }

  function withFormat(params, format) {
    const copy = new URLSearchParams(params);
    copy.set("format", format);
    return `/queries/${name}?${copy}`;
  }

  async function run() {
    const params = parameters();
    const query = params.toString();
    window.history.replaceState(null, "", `/gallery/${name}${query ? "?" + query : ""}`);
    document.querySelectorAll("[data-api-link]").forEach((a) => { a.href = `/queries/${name}${query ? "?" + query : ""}`; });
    DSR.error("");
    DSR.status("Running…");
    results.setAttribute("aria-busy", "true");
    try {
      const data = await DSR.fetchResults(`/queries/${name}${query ? "?" + query : ""}`);
      const rows = DSR.renderResults(results, data);
      DSR.status(`${rows} ${rows === 1 ? "row" : "rows"} in ${Math.round(data.elapsed)} ms.`);
      DSR.renderDownloads(downloads, (format) => withFormat(params, format), formats);
    } catch (error) {
      results.replaceChildren();
      downloads.hidden = true;
      DSR.status("The query failed.");
      DSR.error(error.message);
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  run();
})();
