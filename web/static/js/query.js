/* The query editor page: CodeMirror when its bundle is there, else the plain textarea;
 * runs the query against /sparql, shows the results as a table, offers every download
 * format and keeps the query in the page address so that it can be shared. */
(function () {
  "use strict";

  const DSR = window.DSR;
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query-text");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const share = document.getElementById("share");
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const config = JSON.parse(document.getElementById("query-config").textContent);

  const editor = window.DSREditor
    ? window.DSREditor.create(textarea, {prefixes: DSR.prefixes, onRun: run, labelledBy: "query-label"})
    : {getValue: () => textarea.value, setValue: (text) => { textarea.value = text; }, focus: () => textarea.focus()};
  if (!window.DSREditor) {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
  }
  document.querySelector(".nojs-format").hidden = true;
  share.hidden = false;

  function shareUrl(text) {
    return window.location.origin + "/query?query=" + encodeURIComponent(text);
  }

  async function run() {
    const text = editor.getValue();
    window.history.replaceState(null, "", "/query?query=" + encodeURIComponent(text));
    const form_ = DSR.queryForm(text);
    const formats = form_ === "CONSTRUCT" || form_ === "DESCRIBE" ? DSR.GRAPH_FORMATS : DSR.SELECT_FORMATS;
    DSR.error("");
    DSR.status("Running…");
    results.setAttribute("aria-busy", "true");
    try {
      const data = await DSR.fetchResults("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded"},
        body: new URLSearchParams({query: text}).toString(),
      });
      const rows = DSR.renderResults(results, data);
      DSR.status(`${form_}: ${rows} ${rows === 1 ? "row" : "rows"} in ${Math.round(data.elapsed)} ms.`);
      DSR.renderDownloads(downloads, (format) => "/sparql?" + new URLSearchParams({query: text, format}), formats);
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

  document.getElementById("example").addEventListener("change", (event) => {
    const chosen = examples.find((q) => q.name === event.target.value);
    if (chosen) {
      editor.setValue(chosen.text);
      editor.focus();
    }
  });

  share.addEventListener("click", async () => {
    const url = shareUrl(editor.getValue());
    try {
      await navigator.clipboard.writeText(url);
      DSR.status("Link copied to the clipboard.");
    } catch (error) {
      window.prompt("Copy this link:", url);
    }
  });

  if (config.autorun) run();
})();
