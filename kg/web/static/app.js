// The query page: named queries and a SPARQL editor over /sparql. All text goes into the page
// through textContent (never innerHTML), so article text cannot become markup.
"use strict";

const ENTITY = "https://kg.invalid/id/";
const RESULTS_JSON = "application/sparql-results+json";
const $ = (id) => document.getElementById(id);
let library = [];
let last = null; // the last request: {url, body}; for a named query also {named, offset}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}

function clearResults() {
  $("results").tHead.replaceChildren();
  $("results").tBodies[0].replaceChildren();
  $("graph").hidden = true;
  $("next-page").hidden = true;
  $("prev-page").hidden = true;
  showError("");
}

function cellFor(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri" && term.value.startsWith(ENTITY)) {
    const a = document.createElement("a");
    const id = term.value.slice(ENTITY.length);
    a.href = "/entity/" + encodeURIComponent(id);
    a.textContent = id;
    td.appendChild(a);
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) td.lang = term["xml:lang"];
  }
  return td;
}

function renderResults(data, truncated, offset) {
  clearResults();
  const table = $("results");
  if (typeof data.boolean === "boolean") {
    setStatus("answer: " + data.boolean);
    return;
  }
  const vars = data.head.vars || [];
  const head = document.createElement("tr");
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  table.tHead.appendChild(head);
  const body = table.tBodies[0];
  for (const row of data.results.bindings) {
    const tr = document.createElement("tr");
    for (const v of vars) tr.appendChild(cellFor(row[v]));
    body.appendChild(tr);
  }
  const n = data.results.bindings.length;
  if (last.named && (truncated || offset)) {
    const more = truncated ? " — more rows follow" : " — the last page";
    setStatus("rows " + (offset + 1) + "–" + (offset + n) + more);
  } else {
    setStatus(n + (n === 1 ? " row" : " rows") + (truncated ? " — cut at the row limit" : ""));
  }
  $("next-page").hidden = !(last.named && truncated);
  $("prev-page").hidden = !(last.named && offset > 0);
  if (last.named) last.pageRows = n;
}

function request(accept, url) {
  const init = { headers: { Accept: accept } };
  if (last.body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/x-www-form-urlencoded";
    init.body = last.body;
  }
  return fetch(url || last.url, init);
}

async function execute() {
  setStatus("running…");
  clearResults();
  for (const b of ["dl-csv", "dl-json"]) $(b).disabled = true;
  let response;
  try {
    response = await request(RESULTS_JSON + ", text/turtle;q=0.9");
  } catch (err) {
    setStatus("");
    showError("request failed: " + err);
    return;
  }
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    setStatus("error " + response.status);
    showError(await response.text());
    return;
  }
  if (type.startsWith(RESULTS_JSON)) {
    const data = await response.json();
    renderResults(data, data.truncated === true, data.offset || 0);
    for (const b of ["dl-csv", "dl-json"]) $(b).disabled = false;
  } else {
    const pre = $("graph");
    pre.textContent = await response.text();
    pre.hidden = false;
    setStatus("graph (Turtle)");
  }
}

async function download(accept, filename) {
  if (!last) return;
  // a named query's download is the whole answer (up to the server's cap), not the page shown
  const whole = last.named ? last.named + "&limit=all" : undefined;
  const response = await request(accept, whole);
  if (!response.ok) {
    showError(await response.text());
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function selected() {
  return library.find((q) => q.name === $("named").value);
}

function showParams() {
  const q = selected();
  const form = $("params");
  form.replaceChildren();
  if (!q) return;
  $("named-question").textContent = q.question || q.description || "";
  for (const p of q.params) {
    const label = document.createElement("label");
    label.textContent = p.name + (p.required ? " *" : "") + " ";
    const input = document.createElement("input");
    input.name = p.name;
    input.value = p.example || p.default || "";
    input.title = p.type + (p.description ? " — " + p.description : "");
    input.placeholder = p.type;
    label.appendChild(input);
    form.appendChild(label);
  }
}

function runNamed() {
  const q = selected();
  if (!q) return;
  const params = new URLSearchParams();
  for (const input of $("params").querySelectorAll("input")) {
    if (input.value.trim()) params.append(input.name, input.value.trim());
  }
  const named = "/queries/" + encodeURIComponent(q.name) + "?" + params.toString();
  last = { url: named, named: named, offset: 0, size: q.page };
  execute();
}

function turnPage(step) {
  if (!last || !last.named) return;
  const size = last.size || last.pageRows;
  last.offset = Math.max(0, last.offset + (step > 0 ? last.pageRows : -size));
  last.url = last.named + "&offset=" + last.offset + "&limit=" + size;
  execute();
}

function runEditor() {
  last = { url: "/sparql", body: new URLSearchParams({ query: $("editor").value }).toString() };
  execute();
}

async function init() {
  $("run").addEventListener("click", runEditor);
  $("run-named").addEventListener("click", runNamed);
  $("load-named").addEventListener("click", () => {
    const q = selected();
    if (q) $("editor").value = q.sparql;
  });
  $("named").addEventListener("change", showParams);
  $("next-page").addEventListener("click", () => turnPage(1));
  $("prev-page").addEventListener("click", () => turnPage(-1));
  $("dl-csv").addEventListener("click", () => download("text/csv", "results.csv"));
  $("dl-json").addEventListener("click", () => download(RESULTS_JSON, "results.json"));
  const response = await fetch("/queries");
  library = (await response.json()).queries;
  showParams();
  document.body.dataset.ready = "true";
}

init().catch((err) => showError("could not load the named queries: " + err));
