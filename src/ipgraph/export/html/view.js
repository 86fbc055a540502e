// The ipgraph department network view: plain JavaScript and SVG, no libraries, no network access.
// Data (departments with precomputed positions, tasks with measures, source lines and, for web
// pages, Word files and PDFs, the place of the line in the file) is
// embedded in the page as JSON; shared-task edges are derived here from the tasks, so the
// section filter can recount them.
"use strict";

const DATA = JSON.parse(document.getElementById("ipgraph-data").textContent);
const SVG_NS = "http://www.w3.org/2000/svg";
const TEXT = {
  zh: {
    title: "部门协同网络：共同承担任务的部门",
    search: "搜索部门、任务或举措…",
    all: "全部部分",
    section: (n) => `第${"一二三四五六七八九十"[n - 1] || n}部分`,
    tasks: "项任务",
    shared: "共同承担的任务",
    line: (n, place) => `原文第 ${n} 行` + (place ? `（${place.zh}）` : ""),
    centrality: "加权度 / 中介中心性 / 特征向量中心性",
    hint: "点击部门或连线，查看任务、落实举措及其原文行号。",
    legend: (n, e) => `${n} 个部门，${e} 对部门共同承担任务。节点大小：任务数；连线粗细：权重。`,
    weights: "权重",
  },
  en: {
    title: "Department network: departments that share tasks",
    search: "Search departments, tasks or measures…",
    all: "All sections",
    section: (n) => `Section ${n}`,
    tasks: "tasks",
    shared: "shared tasks",
    line: (n, place) => `source line ${n}` + (place ? ` (${place.en})` : ""),
    centrality: "weighted degree / betweenness / eigenvector centrality",
    hint: "Click a department or a link to see its tasks and measures with their source lines.",
    legend: (n, e) => `${n} departments, ${e} pairs sharing tasks. Node size: tasks; link width: weight.`,
    weights: "weights",
  },
};

const state = { lang: document.documentElement.lang === "en" ? "en" : "zh", section: 0, query: "", selected: null };
const byId = Object.fromEntries(DATA.nodes.map((n) => [n.id, n]));

const ID_NS = "https://w3id.org/ipgraph/id/";

function el(tag, attrs, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

// A resource's page: /id/… on the ipgraph server that serves this view, else the IRI itself.
function resourceLink(iri, text) {
  const local = location.protocol.startsWith("http") && iri.startsWith(ID_NS) ? `/id/${iri.slice(ID_NS.length)}` : iri;
  return el("a", { href: local, class: "resource" }, text);
}

function label(item) {
  return (state.lang === "en" && item.en) || item.zh;
}

function visibleTasks() {
  return DATA.tasks.filter((t) => !state.section || t.section === state.section);
}

// Weights as ipgraph.network.weights computes them: 1 per shared task ("count") or 1/(n-1)
// per task of n departments ("newman"); tasks naming more than max_bodies make no edges.
function edgesOf(tasks) {
  const edges = new Map();
  const { method, max_bodies: maxBodies } = DATA.weighting;
  for (const task of tasks) {
    const depts = [...task.departments].sort();
    if (depts.length < 2 || (maxBodies && depts.length > maxBodies)) continue;
    const share = method === "newman" ? 1 / (depts.length - 1) : 1;
    for (let i = 0; i < depts.length; i++) {
      for (let j = i + 1; j < depts.length; j++) {
        const key = depts[i] + " " + depts[j];
        if (!edges.has(key)) edges.set(key, { source: depts[i], target: depts[j], tasks: [], weight: 0 });
        edges.get(key).tasks.push(task);
        edges.get(key).weight += share;
      }
    }
  }
  return [...edges.values()];
}

function matches(task, query) {
  if (label(task).toLowerCase().includes(query) || task.zh.includes(query)) return true;
  return task.measures.some((m) => m.text.includes(query));
}

function matchedDepartments() {
  const query = state.query.trim().toLowerCase();
  if (!query) return null;
  const found = new Set(DATA.nodes.filter((n) => n.zh.includes(query) || n.en.toLowerCase().includes(query)).map((n) => n.id));
  for (const task of visibleTasks()) if (matches(task, query)) task.departments.forEach((d) => found.add(d));
  return found;
}

function point(node) {
  return [60 + node.x * 880, 60 + node.y * 880];
}

function render() {
  const tasks = visibleTasks();
  const edges = edgesOf(tasks);
  const counts = {};
  for (const task of tasks) for (const d of task.departments) counts[d] = (counts[d] || 0) + 1;
  const top = Math.max(Number.MIN_VALUE, ...edges.map((e) => e.weight));
  const found = matchedDepartments();

  const edgeLayer = document.getElementById("edges");
  edgeLayer.replaceChildren();
  for (const edge of edges.sort((a, b) => a.weight - b.weight)) {
    const [x1, y1] = point(byId[edge.source]);
    const [x2, y2] = point(byId[edge.target]);
    const line = el("svg:line", {
      class: "edge", x1, y1, x2, y2,
      "stroke-width": (1 + (8 * edge.weight) / top).toFixed(2),
      "data-source": edge.source, "data-target": edge.target, "data-weight": +edge.weight.toFixed(6),
    });
    const weight = `${edge.tasks.length}${DATA.weighting.method === "newman" ? ` (${edge.weight.toFixed(3)})` : ""}`;
    line.append(el("svg:title", {}, `${label(byId[edge.source])} – ${label(byId[edge.target])}: ${weight}`));
    if (found && !(found.has(edge.source) && found.has(edge.target))) line.classList.add("faded");
    if (state.selected && state.selected.edge === edge.source + " " + edge.target) line.classList.add("selected");
    line.addEventListener("click", () => select({ edge: edge.source + " " + edge.target }));
    edgeLayer.append(line);
  }

  const nodeLayer = document.getElementById("nodes");
  nodeLayer.replaceChildren();
  for (const node of DATA.nodes) {
    const [x, y] = point(node);
    const n = counts[node.id] || 0;
    const radius = 8 + 6 * Math.sqrt(n);
    const group = el("svg:g", { class: `node c${node.community % 5}`, "data-id": node.id, "data-tasks": n, tabindex: 0 });
    group.append(el("svg:circle", { cx: x, cy: y, r: radius.toFixed(1) }), el("svg:text", { x, y: y + radius + 17 }, label(node)));
    group.append(el("svg:title", {}, `${label(node)}: ${n} ${TEXT[state.lang].tasks}`));
    if (!n || (found && !found.has(node.id))) group.classList.add("faded");
    if (found && found.has(node.id)) group.classList.add("match");
    if (state.selected && state.selected.node === node.id) group.classList.add("selected");
    group.addEventListener("click", () => select({ node: node.id }));
    group.addEventListener("keydown", (event) => event.key === "Enter" && select({ node: node.id }));
    nodeLayer.append(group);
  }
  document.getElementById("legend").textContent =
    `${TEXT[state.lang].legend(DATA.nodes.length, edges.length)} ${TEXT[state.lang].weights}: ${DATA.weighting.description}`;
  renderDetails(tasks);
}

function taskBlock(task) {
  const t = TEXT[state.lang];
  const block = el("section", { class: "task", "data-task": task.number });
  block.append(
    el("h3", {}, resourceLink(task.id, `${task.number}. ${label(task)}`), " ", el("span", { class: "line" }, t.line(task.line, task.place))),
    el("p", { class: "meta" }, `${t.section(task.section)} · ${label({ zh: task.section_zh, en: task.section_en })}`),
  );
  for (const m of task.measures) {
    block.append(
      el("p", { class: "measure" }, el("span", { class: "who" }, `${label(m)}：`), m.text, " ", el("span", { class: "line" }, t.line(m.line, m.place))),
    );
  }
  return block;
}

function renderDetails(tasks) {
  const t = TEXT[state.lang];
  const panel = document.getElementById("details");
  panel.replaceChildren();
  const chosen = state.selected;
  if (!chosen) {
    panel.append(el("p", { class: "sub" }, t.hint));
    return;
  }
  if (chosen.node) {
    const node = byId[chosen.node];
    const own = tasks.filter((task) => task.departments.includes(node.id));
    panel.append(
      el("h2", {}, label(node)),
      el("p", { class: "sub" }, `${state.lang === "en" ? node.zh : node.en} · ${own.length} ${t.tasks}`),
      el("p", { class: "meta" }, `${t.centrality}: ${node.weighted_degree} / ${node.betweenness.toFixed(3)} / ${node.eigenvector.toFixed(3)}`),
      el("p", { class: "meta" }, resourceLink(node.id, node.id)),
    );
    own.forEach((task) => panel.append(taskBlock(task)));
    return;
  }
  const [a, b] = chosen.edge.split(" ");
  const shared = tasks.filter((task) => task.departments.includes(a) && task.departments.includes(b));
  panel.append(el("h2", {}, `${label(byId[a])} – ${label(byId[b])}`), el("p", { class: "sub" }, `${shared.length} ${t.shared}`));
  shared.forEach((task) => panel.append(taskBlock(task)));
}

function select(choice) {
  state.selected = choice;
  render();
}

function setLanguage(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  const t = TEXT[lang];
  document.getElementById("title").textContent = t.title;
  document.getElementById("search").placeholder = t.search;
  const sections = new Map(DATA.tasks.map((task) => [task.section, task]));
  const picker = document.getElementById("section");
  picker.replaceChildren(el("option", { value: 0 }, t.all));
  for (const [number, task] of [...sections].sort((x, y) => x[0] - y[0])) {
    picker.append(el("option", { value: number }, `${t.section(number)}：${label({ zh: task.section_zh, en: task.section_en })}`));
  }
  picker.value = String(state.section);
  document.querySelectorAll("[data-lang]").forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.lang === lang)));
  render();
}

document.getElementById("search").addEventListener("input", (event) => {
  state.query = event.target.value;
  render();
});
document.getElementById("section").addEventListener("change", (event) => {
  state.section = Number(event.target.value);
  render();
});
document.querySelectorAll("[data-lang]").forEach((button) => button.addEventListener("click", () => setLanguage(button.dataset.lang)));
setLanguage(state.lang);
