/* The neighbourhood graph: rows of queries/neighbourhood.rq (one per claim) drawn as an
 * SVG network. Nodes link to the graph centred on them, edges to their claims; the
 * layout is d3-force when its bundle is there, else concentric circles. */
(function () {
  "use strict";

  const DSR = window.DSR;
  const el = DSR.el;
  const SVG = "http://www.w3.org/2000/svg";
  const host = document.getElementById("graph");
  const name = host.dataset.query;
  const centre = host.dataset.entityIri;
  const groups = JSON.parse(document.getElementById("class-groups").textContent);
  const legend = document.getElementById("graph-legend");
  const steps = document.getElementById("f-steps");
  const GROUP_ORDER = ["Actor", "Infrastructure", "Agreement", "Event", "Measure", "Situation", "Concept", "Other"];
  const WIDTH = 960;
  const HEIGHT = 720;

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function groupOf(type) {
    const group = type && groups[type];
    return GROUP_ORDER.includes(group) ? group : "Other";
  }

  function build(rows) {
    const nodes = new Map();
    const edges = new Map();
    function node(iri, label, type) {
      const existing = nodes.get(iri);
      if (existing) {
        if (!existing.type && type) existing.type = type;
        return existing;
      }
      const created = {id: iri, label: label || DSR.shorten(iri), type, degree: 0};
      nodes.set(iri, created);
      return created;
    }
    for (const row of rows) {
      const s = node(DSR.value(row, "subject"), DSR.value(row, "subjectLabel"), DSR.value(row, "subjectType"));
      const o = node(DSR.value(row, "object"), DSR.value(row, "objectLabel"), DSR.value(row, "objectType"));
      const predicate = DSR.value(row, "predicate");
      const key = [s.id, predicate, o.id].join(" ");
      let edge = edges.get(key);
      if (!edge) {
        edge = {source: s.id, target: o.id, predicate, claims: []};
        edges.set(key, edge);
        s.degree++;
        o.degree++;
      }
      edge.claims.push({claim: DSR.value(row, "claim"), report: DSR.value(row, "report"),
                        stance: DSR.value(row, "stance"), certainty: DSR.value(row, "certainty")});
    }
    for (const edge of edges.values()) {
      const stated = edge.claims.some((c) => c.stance.endsWith("#Affirmed") && c.certainty.endsWith("#Stated"));
      const denied = edge.claims.every((c) => c.stance.endsWith("#Denied"));
      edge.style = stated ? "stated" : denied ? "denied" : "hedged";
    }
    if (!nodes.has(centre)) nodes.set(centre, {id: centre, label: document.querySelector("h1 a").textContent, degree: 0});
    return {nodes: [...nodes.values()], edges: [...edges.values()]};
  }

  /* A label in lines of at most 22 characters, broken between words. */
  function lines(label) {
    const out = [];
    for (const word of label.split(/\s+/)) {
      const last = out.length - 1;
      if (last >= 0 && (out[last] + " " + word).length <= 22) out[last] += " " + word;
      else out.push(word);
    }
    return out;
  }

  const FORCE_LIMIT = 40;      // more nodes than this: radial layout, which stays legible
  const RADIAL_LABEL = 36;     // longest label shown in the radial layout

  function layout(graph) {
    const index = new Map(graph.nodes.map((n) => [n.id, n]));
    const hub = index.get(centre);
    graph.radial = !window.DSRForce || graph.nodes.length > FORCE_LIMIT;
    for (const n of graph.nodes) n.shown = n.label;
    if (!graph.radial) {
      const F = window.DSRForce;
      hub.fx = 0;
      hub.fy = 0;
      const links = graph.edges.map((e) => ({source: e.source, target: e.target}));
      const crowded = graph.nodes.length > 25;
      const simulation = F.forceSimulation(graph.nodes)
        .force("link", F.forceLink(links).id((n) => n.id).distance(crowded ? 160 : 120).strength(0.5))
        .force("charge", F.forceManyBody().strength(crowded ? -1200 : -600))
        .force("collide", F.forceCollide((n) => Math.min(80, 24 + 2.2 * Math.min(n.label.length, 24))))
        .force("x", F.forceX(0).strength(0.03))
        .force("y", F.forceY(0).strength(0.05))
        .stop();
      for (let i = 0; i < 320; i++) simulation.tick();
      return;
    }
    // Radial: the centre; its neighbours on a ring, grouped by kind and relation; the
    // things two steps away on an outer ring, next to the neighbour they hang from.
    const relation = new Map();
    const parent = new Map();
    for (const e of graph.edges) {
      if (e.source === centre) relation.set(e.target, DSR.humanLocal(e.predicate));
      if (e.target === centre) relation.set(e.source, DSR.humanLocal(e.predicate));
    }
    for (const e of graph.edges) {
      if (relation.has(e.source) && !relation.has(e.target) && e.target !== centre) parent.set(e.target, e.source);
      if (relation.has(e.target) && !relation.has(e.source) && e.source !== centre) parent.set(e.source, e.target);
    }
    const key = (n) => [GROUP_ORDER.indexOf(groupOf(n.type)), relation.get(n.id) || "", n.label.toLowerCase()];
    const compare = (a, b) => {
      const ka = key(a), kb = key(b);
      return ka[0] - kb[0] || ka[1].localeCompare(kb[1]) || ka[2].localeCompare(kb[2]);
    };
    const ring1 = graph.nodes.filter((n) => relation.has(n.id)).sort(compare);
    const spacing = 18;
    const r1 = Math.max(160, (ring1.length * spacing) / (2 * Math.PI));
    ring1.forEach((n, i) => { n.angle = (2 * Math.PI * i) / ring1.length; });
    const ring2 = graph.nodes.filter((n) => n !== hub && !relation.has(n.id))
      .map((n) => ({n, at: parent.has(n.id) ? index.get(parent.get(n.id)).angle : 0}))
      .sort((a, b) => a.at - b.at || compare(a.n, b.n)).map((x) => x.n);
    const r2 = Math.max(r1 + 260, (ring2.length * spacing) / (2 * Math.PI));
    ring2.forEach((n, i) => { n.angle = (2 * Math.PI * i) / Math.max(1, ring2.length); });
    for (const [ring, r] of [[ring1, r1], [ring2, r2]]) {
      for (const n of ring) {
        n.x = r * Math.cos(n.angle);
        n.y = r * Math.sin(n.angle);
        if (n.label.length > RADIAL_LABEL) {
          const cut = n.label.lastIndexOf(" ", RADIAL_LABEL - 1);
          n.shown = n.label.slice(0, cut > 20 ? cut : RADIAL_LABEL - 1) + " …";
        }
      }
    }
    hub.x = 0;
    hub.y = 0;
    hub.angle = 0;
  }

  /* A label along the radius, reading outwards (flipped on the left half). */
  function radialLabel(n) {
    const degrees = (n.angle * 180) / Math.PI;
    const left = degrees > 90 && degrees < 270;
    const x = n.x + 11 * Math.cos(n.angle), y = n.y + 11 * Math.sin(n.angle);
    return svg("text", {x, y, dy: "0.35em", class: "node-label", "text-anchor": left ? "end" : "start",
                        transform: `rotate(${left ? degrees - 180 : degrees} ${x} ${y})`}, n.shown);
  }

  function draw(graph) {
    const reach = (n) => (graph.radial && n.id !== centre ? 20 + 6.6 * n.shown.length : 0);
    const xs = graph.nodes.flatMap((n) => [n.x, n.x + reach(n) * Math.cos(n.angle || 0)]);
    const below = (n) => (graph.radial ? 0 : 26 + 15 * lines(n.shown).length);   // the label under a node
    const ys = graph.nodes.flatMap((n) => [n.y, n.y + reach(n) * Math.sin(n.angle || 0), n.y + below(n)]);
    const pad = graph.radial ? 30 : 90;
    const minX = Math.min(...xs) - pad, maxX = Math.max(...xs) + pad;
    const minY = Math.min(...ys) - pad / 2, maxY = Math.max(...ys) + pad / 2;
    const index = new Map(graph.nodes.map((n) => [n.id, n]));
    const label = document.querySelector("h1 a").textContent;
    // Keep text about 12 px on screen however much the drawing is scaled to fit.
    const scale = Math.min(1, (host.clientWidth || WIDTH) / (maxX - minX), HEIGHT / (maxY - minY));
    host.style.setProperty("--graph-font", (graph.radial ? 12 : Math.min(26, 12 / scale)).toFixed(1) + "px");
    host.classList.toggle("many-edges", graph.edges.length > 30);
    const root = svg("svg", {viewBox: `${minX} ${minY} ${maxX - minX} ${maxY - minY}`, class: "graph",
                             role: "group", "aria-label": `Neighbourhood graph of ${label}: ${graph.nodes.length} nodes, ${graph.edges.length} edges`,
                             preserveAspectRatio: "xMidYMid meet",
                             style: `max-height:${graph.radial ? 1100 : HEIGHT}px`, width: "100%"},
      svg("defs", {}, ["stated", "hedged", "denied"].map((style) => svg("marker", {
        id: "arrow-" + style, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7",
        orient: "auto-start-reverse", class: "arrow " + style}, svg("path", {d: "M 0 0 L 10 5 L 0 10 z"})))));
    const edgeLayer = svg("g", {class: "edges"});
    for (const edge of graph.edges) {
      const s = index.get(edge.source), t = index.get(edge.target);
      const dx = t.x - s.x, dy = t.y - s.y;
      const len = Math.hypot(dx, dy) || 1;
      const r = graph.radial ? 9 : 16;
      const x1 = s.x + (dx / len) * r, y1 = s.y + (dy / len) * r;
      const x2 = t.x - (dx / len) * (r + 2), y2 = t.y - (dy / len) * (r + 2);
      const predicate = DSR.humanLocal(edge.predicate).toLowerCase();
      const title = `${s.label} — ${predicate} → ${t.label} (${edge.claims.length} claim${edge.claims.length === 1 ? "" : "s"}, ${edge.style})`;
      edgeLayer.append(svg("a", {href: DSR.localHref(edge.claims[0].claim), class: "edge " + edge.style,
                                 "aria-label": title},
        svg("title", {}, title),
        svg("line", {x1, y1, x2, y2, "marker-end": `url(#arrow-${edge.style})`}),
        svg("text", {x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, class: "edge-label", "text-anchor": "middle"}, predicate)));
    }
    const nodeLayer = svg("g", {class: "nodes"});
    for (const n of graph.nodes) {
      const group = groupOf(n.type);
      const isCentre = n.id === centre;
      nodeLayer.append(svg("a", {href: DSR.isLocal(n.id) && n.id.startsWith(DSR.base + "id/")
                                   ? "/views/graph?entity=" + encodeURIComponent(DSR.shorten(n.id)) : DSR.localHref(n.id),
                                 class: `node group-${group.toLowerCase()}${isCentre ? " centre" : ""}`,
                                 "data-node": DSR.shorten(n.id),
                                 "aria-label": `${n.shown} (${group.toLowerCase()})${isCentre ? ", the centre" : ""}`},
        svg("title", {}, `${n.label} — ${DSR.shorten(n.id)}`),
        svg("circle", {cx: n.x, cy: n.y, r: isCentre ? 20 : graph.radial ? 7 : 14}),
        graph.radial && !isCentre ? radialLabel(n) :
        svg("text", {x: n.x, y: n.y + (isCentre ? 34 : 28), "text-anchor": "middle", class: "node-label"},
            lines(n.shown).map((line, i) => svg("tspan", {x: n.x, dy: i ? "1.15em" : null}, line)))));
    }
    root.append(edgeLayer, nodeLayer);
    host.replaceChildren(root);
    const present = new Set(graph.nodes.map((n) => groupOf(n.type)));
    legend.replaceChildren(...GROUP_ORDER.filter((g) => present.has(g)).map((g) =>
      el("li", {}, el("span", {class: "swatch group-" + g.toLowerCase(), "aria-hidden": "true"}), g.toLowerCase())),
      el("li", {}, el("span", {class: "line-sample stated", "aria-hidden": "true"}), "stated"),
      el("li", {}, el("span", {class: "line-sample hedged", "aria-hidden": "true"}), "hedged"),
      el("li", {}, el("span", {class: "line-sample denied", "aria-hidden": "true"}), "denied"));
  }

  (async function start() {
    const entity = host.dataset.entity;
    const params = "?entity=" + encodeURIComponent(entity);
    document.querySelectorAll("[data-api-link]").forEach((a) => { a.href = `/queries/${name}${params}`; });
    document.querySelectorAll("[data-gallery-link]").forEach((a) => { a.href = `/gallery/${name}${params}`; });
    DSR.status("Loading…");
    host.setAttribute("aria-busy", "true");
    try {
      const data = await DSR.fetchResults(`/queries/${name}${params}`);
      const all = data.results.bindings;
      const near = all.filter((row) => DSR.value(row, "subject") === centre || DSR.value(row, "object") === centre);
      const wanted = new URLSearchParams(window.location.search).get("steps");
      steps.value = wanted === "1" || wanted === "2" ? wanted : (build(all).nodes.length > FORCE_LIMIT ? "1" : "2");
      const show = () => {
        const rows = steps.value === "1" ? near : all;
        const graph = build(rows);
        layout(graph);
        draw(graph);
        DSR.renderRowsTable({head: data.head, results: {bindings: rows}});
        DSR.status(graph.edges.length
          ? `${graph.nodes.length} nodes and ${graph.edges.length} edges from ${rows.length} claims` +
            (steps.value === "1" && all.length > near.length ? ` (${all.length} claims two steps away).` : ".")
          : "No claim links this entity to anything yet.");
      };
      steps.addEventListener("change", () => {
        const search = new URLSearchParams(window.location.search);
        search.set("steps", steps.value);
        window.history.replaceState(null, "", "/views/graph?" + search);
        show();
      });
      show();
    } catch (error) {
      DSR.status("The graph could not be loaded.");
      DSR.error(error.message);
    } finally {
      host.removeAttribute("aria-busy");
    }
  })();
})();
