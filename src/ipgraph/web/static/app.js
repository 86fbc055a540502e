// The query page: a named query or your own SPARQL in the editor, run, read as a table or a chart.
// Plain browser JavaScript: the editor is the vendored CodeMirror bundle (vendor/editor.js), and
// nothing is fetched from anywhere but this server.
import { completionSource } from "./complete.js";
import { showResults, showTriples } from "./results.js";

const state = { queries: {}, selected: null, editor: null };
const $ = (id) => document.getElementById(id);
const DEFAULT_TEXT = "SELECT ?n ?title WHERE { ?t a ipg:Task ; ipg:number ?n ; dcterms:title ?title } ORDER BY ?n";

// The named query a URL asks for: /queries/NAME.html?… or /?query=NAME&…
function wantedQuery() {
  const m = location.pathname.match(/^\/queries\/([^/]+)\.html$/);
  return m ? decodeURIComponent(m[1]) : new URLSearchParams(location.search).get("query");
}

async function start() {
  state.editor = IpgraphEditor.createEditor($("query-editor"), {
    doc: DEFAULT_TEXT,
    onRun: run,
    complete: completionSource(),
  });
  window.ipgraph = state; // for people and tests driving the page from the console
  const queries = await (await fetch("/queries.json")).json();
  const select = $("query-select");
  for (const q of queries) {
    state.queries[q.name] = q;
    select.appendChild(new Option(`${q.name} — ${q.title}`, q.name));
  }
  const wanted = wantedQuery();
  const url = new URLSearchParams(location.search);
  if (wanted && state.queries[wanted]) {
    select.value = wanted;
    selectQuery(wanted, url);
    if (url.has("text")) state.editor.value = url.get("text");
    run();
  } else if (url.has("text")) {
    state.editor.value = url.get("text");
    run();
  }
}

function selectQuery(name, given = new URLSearchParams()) {
  const q = state.queries[name] || null;
  state.selected = q;
  $("query-question").textContent = q ? [q.zh, q.en].filter(Boolean).join(" / ") : "";
  const params = $("params");
  params.replaceChildren();
  if (!q) return;
  state.editor.value = q.text;
  for (const p of q.params) {
    const row = document.createElement("div");
    row.className = "param";
    const label = document.createElement("label");
    label.textContent = `${p.name} (${p.type}${p.optional ? ", optional" : p.default === null ? ", required" : ""})`;
    const input = document.createElement("input");
    input.id = `param-${p.name}`;
    input.value = given.get(p.name) ?? p.default ?? "";
    input.addEventListener("keydown", (event) => event.key === "Enter" && run());
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

// The URL answering the current text in a format: a named query's citable URL; the same query
// edited (its parameters kept); or the SPARQL endpoint for your own text.
function answerUrl(format) {
  const q = state.selected;
  const text = state.editor.value;
  const params = paramValues();
  if (q) {
    const ext = { turtle: "ttl" }[format] || format;
    const edited = text !== q.text;
    if (edited) params.set("query", text);
    const path = `/${edited ? "edited" : "queries"}/${encodeURIComponent(q.name)}.${ext}`;
    return params.toString() ? `${path}?${params}` : path;
  }
  return `/sparql?${new URLSearchParams({ query: text, format })}`;
}

// The page's own URL for what runs now, so that a reload, a bookmark or Back shows it again.
function pageUrl() {
  const q = state.selected;
  const params = paramValues();
  if (!q) return `/?${new URLSearchParams({ text: state.editor.value })}`;
  if (state.editor.value !== q.text) params.set("text", state.editor.value);
  return `/queries/${encodeURIComponent(q.name)}.html${params.toString() ? "?" + params : ""}`;
}

function isGraphQuery() {
  const text = state.editor.value.replace(/#[^\n]*/g, "");
  const m = text.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
  return m && ["CONSTRUCT", "DESCRIBE"].includes(m[1].toUpperCase());
}

async function run() {
  const status = $("status");
  status.className = "";
  status.textContent = "…";
  for (const id of ["results", "chart", "network", "pager", "downloads"]) $(id).replaceChildren();
  $("views").hidden = true;
  history.replaceState(null, "", pageUrl());
  const graph = isGraphQuery();
  try {
    const response = await fetch(answerUrl(graph ? "nt" : "json"));
    const body = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${body}`);
    if (graph) showTriples(body);
    else await showResults(JSON.parse(body));
    showDownloads(graph);
  } catch (error) {
    showError(error.message);
  }
}

// An error with a position (line L, column C) is shown under that character of the text, and
// the editor's cursor is put there.
function showError(message) {
  const status = $("status");
  status.className = "error";
  const m = message.match(/at (\d+):(\d+) \(line/);
  const text = document.createElement("p");
  text.textContent = message.split("\n")[0];
  status.replaceChildren(text);
  if (!m) return;
  const [line, column] = [Number(m[1]), Number(m[2])];
  const source = state.editor.value.split("\n")[line - 1] ?? "";
  const pre = document.createElement("pre");
  pre.className = "error-at";
  const at = document.createElement("mark");
  at.textContent = source.charAt(column - 1) || " ";
  pre.append(source.slice(0, column - 1), at, source.slice(column));
  status.appendChild(pre);
  state.editor.select(line, column);
}

function showDownloads(graph) {
  const links = graph ? [["Turtle", "turtle"], ["N-Triples", "nt"], ["JSON-LD", "jsonld"]] : [["CSV", "csv"], ["JSON", "json"]];
  const box = $("downloads");
  for (const [label, format] of links) {
    const a = document.createElement("a");
    a.href = answerUrl(format);
    a.id = `download-${format}`;
    a.textContent = `⬇ ${label}`;
    a.setAttribute("download", "");
    box.appendChild(a);
  }
}

$("query-select").addEventListener("change", (event) => selectQuery(event.target.value));
$("run").addEventListener("click", run);
start();
