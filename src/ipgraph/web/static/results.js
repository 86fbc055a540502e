// An answer as a table (sortable, paged, IRIs as labels or prefixed names linked to their pages)
// or, for a count per thing, as a bar chart, and for pairs of things, as a network.
import { drawChart, chartable } from "./chart.js";
import { drawNetwork, pairs } from "./network.js";

const $ = (id) => document.getElementById(id);
const PAGE_ROWS = 50;
const LONG_TEXT = 60; // characters: a column whose values are longer is given room to wrap
const ID = "https://w3id.org/ipgraph/id/";
let prefixes = null;
const view = { vars: [], rows: [], labels: new Map(), page: 0, sortBy: null, descending: false };

async function loadPrefixes() {
  if (!prefixes) prefixes = (await (await fetch("/completions.json")).json()).prefixes;
  return prefixes;
}

export async function showResults(data) {
  if ("boolean" in data) {
    $("status").textContent = `ASK: ${data.boolean}`;
    return;
  }
  await loadPrefixes();
  Object.assign(view, { vars: data.head.vars, rows: data.results.bindings, page: 0, sortBy: null });
  view.labels = await labelsOf(view.rows);
  const count = view.rows.length;
  $("status").textContent = `${count} row${count === 1 ? "" : "s"}`;
  for (const warning of data.warnings || []) {
    const p = document.createElement("p");
    p.className = "warning";
    p.textContent = `⚠ ${warning}`;
    $("status").appendChild(p);
  }
  drawTable();
  const network = pairs(view.vars, view.rows);
  const chart = network ? null : chartable(view.vars, view.rows); // pairs are a network, not a count per thing
  $("views").hidden = !chart && !network;
  $("view-chart").hidden = !chart;
  $("view-network").hidden = !network;
  for (const which of ["table", "chart", "network"]) $(`view-${which}`).onclick = () => showView(which);
  $("chart").replaceChildren(chart ? drawChart(chart, view.rows, nameOf) : "");
  $("network").replaceChildren(network ? drawNetwork(network, view.rows, nameOf, hrefOf) : "");
  showView("table");
}

export function showTriples(text) {
  const lines = text.split("\n").filter((line) => line.trim());
  $("status").textContent = `${lines.length} triple${lines.length === 1 ? "" : "s"}`;
  const pre = document.createElement("pre");
  pre.textContent = text;
  $("results").appendChild(pre);
}

// The Chinese (else English) label of each minted IRI in the answer, asked of the endpoint at once.
async function labelsOf(rows) {
  const iris = new Set();
  for (const row of rows) for (const term of Object.values(row)) if (term.type === "uri" && term.value.startsWith(ID)) iris.add(term.value);
  const labels = new Map();
  const list = [...iris].slice(0, 2000);
  if (!list.length) return labels;
  const query = `SELECT ?x ?l WHERE { VALUES ?x { ${list.map((i) => `<${i}>`).join(" ")} } ?x rdfs:label ?l FILTER(lang(?l) = "zh" || lang(?l) = "en") }`;
  const response = await fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" }, body: query });
  if (!response.ok) return labels;
  for (const b of (await response.json()).results.bindings) {
    if (!labels.has(b.x.value) || b.l["xml:lang"] === "zh") labels.set(b.x.value, b.l.value);
  }
  return labels;
}

function prefixed(iri) {
  for (const [prefix, ns] of Object.entries(prefixes || {})) {
    if (iri.startsWith(ns) && iri.length > ns.length) return `${prefix}:${iri.slice(ns.length)}`;
  }
  return `<${iri}>`;
}

function termCell(td, term) {
  if (term.type === "uri") {
    // only http(s) IRIs are links: urn:, mailto: or javascript: ones are shown, not followed
    const a = document.createElement(/^https?:/.test(term.value) ? "a" : "span");
    if (a.tagName === "A") a.href = hrefOf(term.value);
    a.title = term.value;
    const label = view.labels.get(term.value);
    a.textContent = label || prefixed(term.value);
    if (label) {
      const small = document.createElement("small");
      small.textContent = prefixed(term.value);
      a.append(" ", small);
    }
    td.className = "uri";
    td.appendChild(a);
    return;
  }
  td.textContent = term.value;
  if (term["xml:lang"]) td.lang = term["xml:lang"];
  if (isNumber(term)) td.className = "number";
}

function isNumber(term) {
  return term && term.type === "literal" && /#(integer|decimal|double|float|int|long|positiveInteger|nonNegativeInteger)$/.test(term.datatype || "");
}

function sortKey(term) {
  if (!term) return "";
  if (isNumber(term)) return Number(term.value);
  return term.type === "uri" ? view.labels.get(term.value) || term.value : term.value;
}

function sortedRows() {
  if (view.sortBy === null) return view.rows;
  const v = view.sortBy;
  const sign = view.descending ? -1 : 1;
  return [...view.rows].sort((a, b) => {
    const [x, y] = [sortKey(a[v]), sortKey(b[v])];
    if (typeof x === "number" && typeof y === "number") return sign * (x - y);
    return sign * String(x).localeCompare(String(y), "zh");
  });
}

function drawTable() {
  const table = document.createElement("table");
  table.className = "answer";
  const head = table.createTHead().insertRow();
  for (const v of view.vars) {
    const th = document.createElement("th");
    th.textContent = v;
    th.title = "click to sort";
    if (view.sortBy === v) th.className = view.descending ? "sorted desc" : "sorted asc";
    if (view.rows.some((row) => row[v] && row[v].value.length > LONG_TEXT)) th.classList.add("long");
    th.addEventListener("click", () => {
      view.descending = view.sortBy === v ? !view.descending : false;
      view.sortBy = v;
      view.page = 0;
      drawTable();
    });
    head.appendChild(th);
  }
  const body = table.createTBody();
  const rows = sortedRows().slice(view.page * PAGE_ROWS, (view.page + 1) * PAGE_ROWS);
  for (const row of rows) {
    const tr = body.insertRow();
    for (const v of view.vars) {
      const td = tr.insertCell();
      if (row[v]) termCell(td, row[v]);
    }
  }
  $("results").replaceChildren(table);
  drawPager();
}

function drawPager() {
  const pages = Math.ceil(view.rows.length / PAGE_ROWS);
  const box = $("pager");
  box.replaceChildren();
  if (pages <= 1) return;
  const button = (text, page, id) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.id = id;
    b.disabled = page < 0 || page >= pages || page === view.page;
    b.addEventListener("click", () => ((view.page = page), drawTable()));
    return b;
  };
  const where = document.createElement("span");
  const first = view.page * PAGE_ROWS + 1;
  where.textContent = ` rows ${first}–${Math.min(first + PAGE_ROWS - 1, view.rows.length)} of ${view.rows.length} `;
  box.append(button("‹ prev", view.page - 1, "page-prev"), where, button("next ›", view.page + 1, "page-next"));
}

const nameOf = (term) => (term.type === "uri" ? view.labels.get(term.value) || prefixed(term.value) : term.value);
const hrefOf = (iri) => (iri.startsWith(ID) ? `/id/${iri.slice(ID.length)}` : iri);

function showView(which) {
  $("results").hidden = which !== "table";
  $("pager").hidden = which !== "table";
  for (const other of ["chart", "network"]) $(other).hidden = which !== other;
  for (const other of ["table", "chart", "network"]) $(`view-${other}`).classList.toggle("on", which === other);
}
