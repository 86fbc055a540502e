"""What changed between two documents (two editions, or any two): ``ipgraph diff A B``.

The tasks are aligned by ``ipgraph.graph.alignment`` and the report lists the tasks
added, dropped, continued, reworded, split and merged — each with the source lines of
both sides and the evidence of the match — the responsible bodies gained and lost,
and the tasks whose lead body (the first body their responsibility statement
names) changed. As text, as JSON (``diff_data``) and as a self-contained HTML page.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from rdflib import Graph, URIRef

from ipgraph.errors import IpgraphError
from ipgraph.graph.alignment import KINDS, Change, TaskInfo, align, task_infos
from ipgraph.graph.namespaces import DCTERMS, IPG, RDF
from ipgraph.graph.series import parse_title

FORMATS = ("text", "json", "html")
TITLES = {
    "continued": "Continued",
    "reworded": "Reworded",
    "split": "Split",
    "merged": "Merged",
    "new": "Added",
    "dropped": "Dropped",
}


def find_document(graph: Graph, name: str) -> URIRef:
    """A document of the graph by IRI, by key (``annual-plan-2022``) or by exact title."""
    documents = sorted(graph.subjects(RDF.type, IPG.TaskList), key=str)
    for doc in documents:
        if name in (str(doc), str(doc).rsplit("/", 1)[-1], str(graph.value(doc, DCTERMS.title) or "")):
            return URIRef(str(doc))
    known = ", ".join(str(d).rsplit("/", 1)[-1] for d in documents)
    raise IpgraphError(f"no document {name!r} in the graph; the documents are: {known or 'none'}")


def _document(graph: Graph, doc: URIRef) -> dict[str, str]:
    title = str(graph.value(doc, DCTERMS.title) or "")
    parsed = parse_title(title)
    period = "" if parsed is None else (str(parsed[1]) if parsed[1] == parsed[2] else f"{parsed[1]}—{parsed[2]}")
    return {"document": str(doc), "key": str(doc).rsplit("/", 1)[-1], "title": title, "period": period}


def _task(task: TaskInfo) -> dict[str, Any]:
    return {
        "iri": str(task.iri),
        "number": task.number,
        "line": task.line,
        "title": task.title,
        "bodies": sorted(task.bodies),
        "lead": task.lead,
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "old": [_task(t) for t in change.old],
        "new": [_task(t) for t in change.new],
        "evidence": [
            {
                "old": k.old.number,
                "new": k.new.number,
                "score": round(k.score, 3),
                "text": round(k.text, 3),
                "bodies": round(k.bodies, 3),
                "citations": None if k.citations is None else round(k.citations, 3),
            }
            for k in change.links
        ],
    }


def diff_data(graph: Graph, old: URIRef, new: URIRef) -> dict[str, Any]:
    """The diff of two documents of a graph, as plain data (the JSON report)."""
    before, after = task_infos(graph, old), task_infos(graph, new)
    changes = align(before, after)
    bodies_before = {b for t in before for b in t.bodies}
    bodies_after = {b for t in after for b in t.bodies}
    leads = [
        {"old": k.old.number, "new": k.new.number, "title": k.new.title, "old_lead": k.old.lead, "new_lead": k.new.lead}
        for c in changes
        for k in c.links
        if k.old.lead != k.new.lead
    ]
    return {
        "old": _document(graph, old),
        "new": _document(graph, new),
        "summary": {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS},
        "changes": [_change(c) for c in changes],
        "bodies_gained": sorted(bodies_after - bodies_before),
        "bodies_lost": sorted(bodies_before - bodies_after),
        "leads_changed": leads,
    }


def render(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if fmt == "text":
        return to_text(data)
    if fmt == "html":
        return to_html(data)
    raise IpgraphError(f"unknown diff format {fmt!r}; use one of {', '.join(FORMATS)}")


def _side(tasks: list[dict[str, Any]]) -> str:
    return " + ".join(f"L{t['line']} {t['number']}. {t['title']}" for t in tasks) or "—"


def to_text(data: dict[str, Any]) -> str:
    """The report as text: each change with the source lines of both sides."""
    old, new = data["old"], data["new"]
    counts = ", ".join(f"{n} {kind}" for kind, n in data["summary"].items())
    lines = [f"{old['title']} ({old['key']}) → {new['title']} ({new['key']})", f"Tasks: {counts}", ""]
    for kind in KINDS:
        group = [c for c in data["changes"] if c["kind"] == kind]
        if not group:
            continue
        lines.append(f"{TITLES[kind]} ({len(group)}):")
        for c in group:
            score = ", ".join(f"{e['score']:.2f}" for e in c["evidence"])
            lines.append(f"  {_side(c['old'])}")
            lines.append(f"    → {_side(c['new'])}" + (f"   [score {score}]" if score else ""))
        lines.append("")
    lines.append("Bodies gained: " + ("、".join(data["bodies_gained"]) or "—"))
    lines.append("Bodies lost: " + ("、".join(data["bodies_lost"]) or "—"))
    lines.append("Leads changed:" + ("" if data["leads_changed"] else " —"))
    for lead in data["leads_changed"]:
        lines.append(f"  {lead['old']} → {lead['new']}. {lead['title']}: {lead['old_lead']} → {lead['new_lead']}")
    return "\n".join(lines) + "\n"


def _cell(tasks: list[dict[str, Any]]) -> str:
    return "".join(
        f'<p><span class="line">L{t["line"]}</span> {t["number"]}. {escape(t["title"])}'
        f"<br><small>{escape('、'.join(t['bodies']))}</small></p>"
        for t in tasks
    )


def to_html(data: dict[str, Any]) -> str:
    """A self-contained page: one table row per change, old and new side by side."""
    old, new = data["old"], data["new"]
    rows = []
    for c in data["changes"]:
        score = ", ".join(f"{e['score']:.2f}" for e in c["evidence"])
        rows.append(
            f'<tr class="{c["kind"]}"><td>{TITLES[c["kind"]]}</td><td>{_cell(c["old"])}</td>'
            f"<td>{_cell(c['new'])}</td><td>{score}</td></tr>"
        )
    leads = "".join(
        f"<li>{x['old']} → {x['new']}. {escape(x['title'])}: {escape(x['old_lead'])} → {escape(x['new_lead'])}</li>"
        for x in data["leads_changed"]
    )
    summary = ", ".join(f"{n} {TITLES[k].lower()}" for k, n in data["summary"].items())
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{escape(old["key"])} → {escape(new["key"])}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #ccc; padding: .4em; vertical-align: top; }}
tr.new td {{ background: #e8f5e9; }} tr.dropped td {{ background: #fdecea; }}
tr.reworded td, tr.split td, tr.merged td {{ background: #fff8e1; }} .line {{ color: #777; }}
</style></head><body>
<h1>{escape(old["title"])} → {escape(new["title"])}</h1>
<p id="summary">{summary}</p>
<table><thead><tr><th>change</th><th>{escape(old["key"])}</th><th>{escape(new["key"])}</th><th>score</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>Bodies</h2>
<p id="gained">Gained: {escape("、".join(data["bodies_gained"]) or "—")}</p>
<p id="lost">Lost: {escape("、".join(data["bodies_lost"]) or "—")}</p>
<h2>Leads changed</h2>
<ul id="leads">{leads}</ul>
</body></html>
"""
