// A network of a pair answer: two columns of IRIs (who shares with whom), and a number, if any,
// as the weight of each pair. Nodes sit on a circle, in the order they first appear; an edge's
// width grows with its weight. Nodes link to their resource pages.
const SVG = "http://www.w3.org/2000/svg";
const SIZE = 640;
const MAX_NODES = 80;

const numeric = (term) => term && /#(integer|decimal|double|float|int|long)$/.test(term.datatype || "");

// The two IRI columns and the weight column of a pair answer, or null.
export function pairs(vars, rows) {
  const iris = vars.filter((v) => rows.length && rows.every((row) => row[v] && row[v].type === "uri"));
  const [a, b] = iris.filter((v) => new Set(rows.map((row) => row[v].value)).size > 1);
  if (!a || !b) return null;
  const nodes = new Set(rows.flatMap((row) => [row[a].value, row[b].value]));
  if (nodes.size > MAX_NODES) return null;
  return { a, b, weight: vars.find((v) => rows.every((row) => numeric(row[v]))) };
}

function element(name, attributes, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function drawNetwork({ a, b, weight }, rows, nameOf, hrefOf) {
  const order = [...new Set(rows.flatMap((row) => [row[a].value, row[b].value]))];
  const at = new Map(order.map((iri, i) => {
    const angle = (2 * Math.PI * i) / order.length - Math.PI / 2;
    return [iri, [SIZE / 2 + (SIZE / 2 - 120) * Math.cos(angle), SIZE / 2 + (SIZE / 2 - 120) * Math.sin(angle)]];
  }));
  const max = Math.max(...rows.map((row) => (weight ? Number(row[weight].value) : 1)), 1);
  const svg = element("svg", { width: SIZE, height: SIZE, role: "img", class: "network" });
  svg.appendChild(element("title", {}, `${a} – ${b}${weight ? ` (${weight})` : ""}`));
  for (const row of rows) {
    const [[x1, y1], [x2, y2]] = [at.get(row[a].value), at.get(row[b].value)];
    const w = weight ? Number(row[weight].value) : 1;
    const line = element("line", { x1, y1, x2, y2, class: "edge", "stroke-width": 1 + (5 * w) / max });
    line.appendChild(element("title", {}, `${nameOf(row[a])} – ${nameOf(row[b])}${weight ? `: ${w}` : ""}`));
    svg.appendChild(line);
  }
  for (const iri of order) {
    const [x, y] = at.get(iri);
    const link = element("a", { href: hrefOf(iri), class: "node" });
    link.append(element("circle", { cx: x, cy: y, r: 7 }), element("text", { x, y: y - 11, "text-anchor": "middle" }, nameOf({ type: "uri", value: iri })));
    svg.appendChild(link);
  }
  return svg;
}
