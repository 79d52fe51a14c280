// The SPARQL editor of /query: CodeMirror 6 with the SPARQL mode, completion of our
// prefixes, of the terms under each prefix (ontology terms, entities) and of the
// query's own variables. Bundled by frontend/build.mjs into web/static/vendor/editor.js;
// without that file the page keeps its plain textarea.
import {EditorState} from "@codemirror/state";
import {EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
        drawSelection} from "@codemirror/view";
import {defaultKeymap, history, historyKeymap} from "@codemirror/commands";
import {StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching,
        indentOnInput} from "@codemirror/language";
import {sparql} from "@codemirror/legacy-modes/mode/sparql";
import {autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap} from "@codemirror/autocomplete";
import {searchKeymap, highlightSelectionMatches} from "@codemirror/search";

const KEYWORDS = ["SELECT", "DISTINCT", "REDUCED", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS",
  "GRAPH", "SERVICE", "BIND", "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK",
  "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "FROM", "FROM NAMED", "NOT EXISTS", "EXISTS", "AS",
  "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES",
  "DATATYPE", "BOUND", "IRI", "isIRI", "isLiteral", "isBlank", "REGEX", "CONTAINS", "STRSTARTS",
  "STRENDS", "LCASE", "UCASE", "CONCAT", "REPLACE", "COALESCE", "IF", "YEAR", "NOW", "ASC", "DESC"];

function loadVocabulary(url) {
  let promise = null;
  return () => (promise = promise || fetch(url, {headers: {Accept: "application/json"}})
    .then((r) => (r.ok ? r.json() : {prefixes: {}, terms: []}))
    .catch(() => ({prefixes: {}, terms: []})));
}

function completionSource(prefixes, vocabulary) {
  return async (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);

    // PREFIX declarations: "PREFIX d|" offers "dsr: <https://…#>".
    const decl = /^\s*PREFIX\s+([A-Za-z][\w-]*:?)?$/i.exec(before);
    if (decl) {
      const from = context.pos - (decl[1] || "").length;
      return {from, options: Object.entries(prefixes).map(([name, ns]) => ({
        label: `${name}: <${ns}>`, type: "namespace", detail: "prefix declaration"}))};
    }

    // Variables already used in the query.
    const variable = context.matchBefore(/[?$][\w]*/);
    if (variable) {
      const names = new Set(context.state.doc.toString().match(/[?$][A-Za-z_]\w*/g) || []);
      names.delete(variable.text);
      return {from: variable.from, options: [...names].map((v) => ({label: v, type: "variable"})),
              validFor: /^[?$]\w*$/};
    }

    // A prefixed name: terms under that prefix (ontology terms, entities, reports).
    const pname = context.matchBefore(/[A-Za-z][\w-]*:[\w\-.%]*/);
    if (pname) {
      const prefix = pname.text.slice(0, pname.text.indexOf(":") + 1);
      const {terms} = await vocabulary();
      const options = terms.filter((t) => t.name.startsWith(prefix)).map((t) => ({
        label: t.name, type: t.kind === "class" ? "class" : t.kind === "property" ? "property"
          : t.kind === "entity" ? "constant" : "enum",
        detail: t.label || t.kind, info: t.definition || undefined}));
      return {from: pname.from, options, validFor: /^[A-Za-z][\w-]*:[\w\-.%]*$/};
    }

    // A bare word: keywords and our prefixes.
    const word = context.matchBefore(/[A-Za-z_][\w]*/);
    if (!word && !context.explicit) return null;
    const from = word ? word.from : context.pos;
    return {from, options: [
      ...Object.entries(prefixes).map(([name, ns]) => ({label: name + ":", type: "namespace", detail: ns})),
      ...KEYWORDS.map((k) => ({label: k, type: "keyword"})),
    ], validFor: /^[\w]*$/};
  };
}

/* Replace a textarea by an editor that keeps the textarea's value in sync (so the plain
 * form still submits the query). options: {prefixes, vocabularyUrl, onRun, labelledBy}. */
function create(textarea, options = {}) {
  const prefixes = options.prefixes || {};
  const vocabulary = loadVocabulary(options.vocabularyUrl || "/query/vocabulary.json");
  const run = () => { if (options.onRun) options.onRun(); return true; };
  const state = EditorState.create({
    doc: textarea.value,
    extensions: [
      lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), indentOnInput(),
      bracketMatching(), closeBrackets(), highlightActiveLine(), highlightSelectionMatches(),
      StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle, {fallback: true}),
      autocompletion({override: [completionSource(prefixes, vocabulary)], activateOnTyping: true}),
      keymap.of([{key: "Mod-Enter", run}, ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap,
                 ...historyKeymap, ...completionKeymap]),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({"aria-labelledby": options.labelledBy || "", "aria-multiline": "true"}),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) textarea.value = update.state.doc.toString();
      }),
    ],
  });
  const host = document.createElement("div");
  host.className = "cm-host";
  textarea.parentNode.insertBefore(host, textarea);
  textarea.hidden = true;
  const view = new EditorView({state, parent: host});
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
    },
    focus: () => view.focus(),
  };
}

window.DSREditor = {create};
