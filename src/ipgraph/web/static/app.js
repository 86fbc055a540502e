// The query page: pick a named query, fill its parameters, run it, read and download the answer.
// Plain browser JavaScript, no libraries and no network access beyond this server.
"use strict";

const state = { queries: {}, selected: null };
const $ = (id) => document.getElementById(id);

async function loadQueries() {
  const response = await fetch("/queries.json");
  const queries = await response.json();
  const select = $("query-select");
  for (const q of queries) {
    state.queries[q.name] = q;
    const option = document.createElement("option");
    option.value = q.name;
    option.textContent = `${q.name} — ${q.title}`;
    select.appendChild(option);
  }
  const wanted = new URLSearchParams(location.search).get("query");
  if (wanted && state.queries[wanted]) {
    select.value = wanted;
    selectQuery(wanted);
  }
}

function selectQuery(name) {
  const q = state.queries[name] || null;
  state.selected = q;
  $("query-question").textContent = q ? [q.zh, q.en].filter(Boolean).join(" / ") : "";
  const params = $("params");
  params.replaceChildren();
  if (!q) return;
  $("query-text").value = q.text;
  for (const p of q.params) {
    const row = document.createElement("div");
    row.className = "param";
    const label = document.createElement("label");
    label.textContent = `${p.name} (${p.type}${p.optional ? ", optional" : p.default === null ? ", required" : ""})`;
    const input = document.createElement("input");
    input.name = `param-${p.name}`;
    input.id = `param-${p.name}`;
    input.value = p.default ?? "";
    label.htmlFor = input.id;
    const doc = document.createElement("span");
    doc.className = "doc";
    doc.textContent = p.doc;
    row.append(label, input, doc);
    params.appendChild(row);
  }
}

function paramValues() {
  const values = new URLSearchParams();
  for (const p of state.selected ? state.selected.params : []) {
    const value = $(`param-${p.name}`).value;
    if (value !== "") values.set(p.name, value);
  }
  return values;
}

// The URL answering the current query in a format: a named query's citable URL, or /sparql?query=….
function answerUrl(format) {
  const q = state.selected;
  const text = $("query-text").value;
  if (q && text === q.text) {
    const ext = { turtle: "ttl" }[format] || format;
    const params = paramValues().toString();
    return `/queries/${encodeURIComponent(q.name)}.${ext}${params ? "?" + params : ""}`;
  }
  return `/sparql?${new URLSearchParams({ query: text, format }).toString()}`;
}

function isGraphQuery() {
  const text = $("query-text").value.replace(/#[^\n]*/g, "");
  const m = text.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
  return m && ["CONSTRUCT", "DESCRIBE"].includes(m[1].toUpperCase());
}

async function run() {
  const status = $("status");
  status.className = "";
  status.textContent = "…";
  $("results").replaceChildren();
  const graph = isGraphQuery();
  const url = answerUrl(graph ? "nt" : "json");
  try {
    const response = await fetch(url);
    const body = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${body}`);
    if (graph) showTriples(body);
    else showBindings(JSON.parse(body));
    showDownloads(graph);
  } catch (error) {
    status.className = "error";
    status.textContent = error.message;
  }
}

function showDownloads(graph) {
  const links = graph ? [["Turtle", "turtle"], ["N-Triples", "nt"], ["JSON-LD", "jsonld"]] : [["CSV", "csv"], ["JSON", "json"]];
  const box = $("downloads");
  box.replaceChildren();
  for (const [label, format] of links) {
    const a = document.createElement("a");
    a.href = answerUrl(format);
    a.id = `download-${format}`;
    a.textContent = `⬇ ${label}`;
    a.setAttribute("download", "");
    box.appendChild(a);
  }
}

function showBindings(data) {
  if ("boolean" in data) {
    $("status").textContent = `ASK: ${data.boolean}`;
    return;
  }
  const vars = data.head.vars;
  const rows = data.results.bindings;
  $("status").textContent = `${rows.length} row${rows.length === 1 ? "" : "s"}`;
  for (const warning of data.warnings || []) {
    const p = document.createElement("p");
    p.className = "warning";
    p.textContent = `⚠ ${warning}`;
    $("results").appendChild(p);
  }
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const v of vars) {
      const td = tr.insertCell();
      const term = row[v];
      if (!term) continue;
      td.textContent = term.value;
      if (term.type === "uri") td.className = "uri";
      if (term["xml:lang"]) td.lang = term["xml:lang"];
    }
  }
  $("results").appendChild(table);
}

function showTriples(text) {
  const lines = text.split("\n").filter((line) => line.trim());
  $("status").textContent = `${lines.length} triple${lines.length === 1 ? "" : "s"}`;
  const pre = document.createElement("pre");
  pre.textContent = text;
  $("results").appendChild(pre);
}

$("query-select").addEventListener("change", (event) => selectQuery(event.target.value));
$("run").addEventListener("click", run);
loadQueries();
