// kg view: the graph, a legend that filters kinds, a year filter, search and a detail panel.
// Every piece of article text goes into the page with textContent, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var network = new vis.Network(document.getElementById("kg-graph"),
    { nodes: nodes, edges: edges }, data.options);
  window.kgNetwork = network;
  network.once("afterDrawing", function () {
    window.kgFirstDraw = performance.now();
    document.body.setAttribute("data-ready", "1");
  });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  var s = data.summary;
  var msg = s.shown + " of " + s.total + " entities shown";
  if (s.left_out > 0) {
    msg += "; kept the " + s.shown + " most central (by " + s.size_by + "), left out " +
      s.left_out + " (raise the cap to see them: kg view --cap, or cap= on /graph)";
  }
  if (s.edges_left_out > 0) {
    msg += "; " + s.edges_shown + " of " + s.edges_total + " links drawn (each entity's " +
      "strongest first, up to " + s.per_node_edges + ", then the strongest others), left out " +
      s.edges_left_out + " (raise the link cap to see more: kg view --edge-cap, or edge_cap= on /graph)";
  }
  if (s.compact) {
    msg += "; lists and quotes shortened on this large page (kg export has them all)";
  }
  if (s.focus) msg += "; around " + (byId[s.focus] ? byId[s.focus].fullLabel : s.focus);
  document.getElementById("kg-summary").textContent = msg;

  // Legend: one checkbox per kind, in its colour.
  var shownKinds = {};
  var legend = document.getElementById("kg-legend");
  data.legend.forEach(function (entry) {
    var kind = entry[0];
    shownKinds[kind] = true;
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-kind", kind);
    box.addEventListener("change", function () { shownKinds[kind] = box.checked; applyFilters(); });
    var swatch = el("span", null, "kg-swatch");
    swatch.style.background = entry[1];
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(kind));
    legend.appendChild(label);
  });

  var yearFrom = document.getElementById("kg-year-from");
  var yearTo = document.getElementById("kg-year-to");
  function inRange(years, lo, hi) {
    if (lo === null && hi === null) return true;
    return (years || []).some(function (y) {
      return (lo === null || y >= lo) && (hi === null || y <= hi);
    });
  }
  function yearValue(input) {
    var v = parseInt(input.value, 10);
    return isNaN(v) ? null : v;
  }
  function applyFilters() {
    var lo = yearValue(yearFrom), hi = yearValue(yearTo);
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, hidden: !(shownKinds[n.kind] && inRange(n.years, lo, hi)) };
    }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, hidden: !inRange(e.years, lo, hi) };
    }));
  }
  yearFrom.addEventListener("input", applyFilters);
  yearTo.addEventListener("input", applyFilters);

  // Search by label, other names or id; case- and width-insensitive, any script.
  function fold(t) { return String(t).normalize("NFKC").toLocaleLowerCase(); }
  var index = data.nodes.map(function (n) {
    return { id: n.id, keys: [n.fullLabel, n.id].concat(n.names || []).map(fold) };
  });
  var results = document.getElementById("kg-results");
  var search = document.getElementById("kg-search");
  function select(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showNode(id);
  }
  function runSearch() {
    results.textContent = "";
    var q = fold(search.value.trim());
    if (!q) return [];
    var hits = index.filter(function (x) {
      return x.keys.some(function (k) { return k.indexOf(q) !== -1; });
    }).slice(0, 30);
    hits.forEach(function (h) {
      var li = el("li");
      var b = el("button", byId[h.id].fullLabel);
      b.type = "button";
      b.setAttribute("data-id", h.id);
      b.addEventListener("click", function () { select(h.id); });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (!hits.length) results.appendChild(el("li", "No match.", "kg-hint"));
    return hits;
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var hits = runSearch();
    if (hits.length) select(hits[0].id);
  });

  // Details of the selection.
  var panel = document.getElementById("kg-details");
  function text(refs) {  // events and statements come as indexes into data.strings
    return (refs || []).map(function (i) { return data.strings[i]; });
  }
  function list(title, items) {
    if (!items || !items.length) return;
    panel.appendChild(el("h3", title));
    var ul = el("ul");
    items.forEach(function (t) { ul.appendChild(el("li", t)); });
    panel.appendChild(ul);
  }
  function evidence(items, more) {
    if (!items || !items.length) return;
    panel.appendChild(el("h3", "Evidence"));
    items.forEach(function (ix) {
      var quote = data.quotes[ix], art = data.articles[quote[1]];
      var q = el("blockquote", quote[0]);
      var where = art[1] || art[0];
      q.appendChild(el("cite", where + (art[2] ? " (" + art[2] + ")" : "")));
      panel.appendChild(q);
    });
    if (more > 0) {
      panel.appendChild(el("p", "… and " + more + " more quotes (kg export lists them all)", "kg-hint"));
    }
  }
  function showNode(id) {
    var n = byId[id];
    if (!n) return;
    panel.textContent = "";
    panel.appendChild(el("h2", n.fullLabel));
    panel.appendChild(el("p", n.kind + (n.date ? ", " + n.date : ""), "kg-hint"));
    if (n.url && /^(\/|https?:)/.test(n.url)) {
      var a = el("a", "Entity page");
      a.href = n.url;
      panel.appendChild(a);
    }
    list("Other names", n.names);
    list("Posts", n.posts);
    list("Events", text(n.events));
    list("Years", n.years.length ? [n.years.join(", ")] : []);
    evidence(n.evidence, n.evidenceMore);
  }
  function showEdge(id) {
    var e = edges.get(id);
    if (!e) return;
    panel.textContent = "";
    var from = byId[e.from], to = byId[e.to];
    panel.appendChild(el("h2", from.fullLabel + " — " + e.relation + " — " + to.fullLabel));
    list("Events", text(e.events));
    list("Statements", text(e.relations));
    list("Years", e.years.length ? [e.years.join(", ")] : []);
    evidence(e.evidence, e.evidenceMore);
  }
  network.on("doubleClick", function (p) {
    var n = p.nodes.length ? byId[p.nodes[0]] : null;
    if (n && n.url && /^(\/|https?:)/.test(n.url)) window.location.href = n.url;
  });
  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });
  if (s.focus && byId[s.focus]) {
    network.selectNodes([s.focus]);
    showNode(s.focus);
  }
})();
