// A horizontal bar chart of an aggregate answer: one bar per row, its label from the first
// column that names a different thing on each row, its length from the first column of numbers
// (counts per body, per section, per year). Drawn as SVG, so it scales and prints.
const SVG = "http://www.w3.org/2000/svg";
const MAX_BARS = 200;
const BAR = 22; // px per bar
const LABEL_WIDTH = 260;
const BAR_WIDTH = 520;

const numeric = (term) => term && /#(integer|decimal|double|float|int|long|positiveInteger|nonNegativeInteger)$/.test(term.datatype || "");

// The label and value columns of a chartable answer, or null.
export function chartable(vars, rows) {
  if (!rows.length || rows.length > MAX_BARS) return null;
  const value = vars.find((v) => rows.every((row) => !row[v] || numeric(row[v])) && rows.some((row) => row[v]));
  // one bar per thing: the first column naming a different thing on every row
  const label = vars.find(
    (v) => v !== value && rows.every((row) => row[v] && !numeric(row[v])) && new Set(rows.map((row) => row[v].value)).size === rows.length,
  );
  return value && label ? { label, value } : null;
}

function element(name, attributes, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function drawChart({ label, value }, rows, nameOf) {
  const max = Math.max(...rows.map((row) => (row[value] ? Number(row[value].value) : 0)), 1);
  const svg = element("svg", { width: LABEL_WIDTH + BAR_WIDTH + 60, height: rows.length * BAR + 30, role: "img" });
  svg.appendChild(element("title", {}, `${value} per ${label}`));
  svg.appendChild(element("text", { x: LABEL_WIDTH + 4, y: 14, class: "axis" }, `${value} per ${label}`));
  rows.forEach((row, i) => {
    const y = 24 + i * BAR;
    const n = row[value] ? Number(row[value].value) : 0;
    const name = row[label] ? nameOf(row[label]) : "";
    const text = element("text", { x: LABEL_WIDTH - 6, y: y + 14, "text-anchor": "end", class: "bar-label" }, name.length > 24 ? name.slice(0, 23) + "…" : name);
    text.appendChild(element("title", {}, name));
    svg.appendChild(text);
    svg.appendChild(element("rect", { x: LABEL_WIDTH, y: y + 2, width: Math.max((n / max) * BAR_WIDTH, 1), height: BAR - 6, class: "bar" }));
    svg.appendChild(element("text", { x: LABEL_WIDTH + (n / max) * BAR_WIDTH + 4, y: y + 14, class: "bar-value" }, String(n)));
  });
  return svg;
}
