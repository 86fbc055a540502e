"""Resource pages: every IRI the graph mints (``https://w3id.org/ipgraph/id/…``) served at ``/id/…``.

A browser gets an HTML page (labels in zh and en, statements, what points at the resource, and for
a section, task or measure the line of the source it was read from, its own text marked); a client
asking for ``text/turtle``, ``application/n-triples`` or ``application/ld+json`` (or ``?format=ttl``,
``nt``, ``jsonld``) gets the same statements as RDF, as Pubby and LodView do.
"""

from __future__ import annotations

import html
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from ipgraph.prefixes import ID
from ipgraph.sparql.results import serialize_graph, to_ntriples
from ipgraph.web.describe import Description, Passage, Statement, describe, prefixed

RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "jsonld"}
FORMATS = {"ttl": "turtle", "turtle": "turtle", "nt": "nt", "jsonld": "jsonld"}
MEDIA = {"turtle": "text/turtle; charset=utf-8", "nt": "application/n-triples; charset=utf-8"}
MEDIA["jsonld"] = "application/ld+json"
LOCAL = "/id/"


def local_url(iri: str) -> str | None:
    """The path of a minted IRI on this server, or None for other IRIs."""
    return LOCAL + quote(iri[len(ID) :], safe="/-_.~") if iri.startswith(ID) else None


async def resource(request: Request) -> Response:
    iri = ID + request.path_params["path"]
    fmt = wanted_format(request)
    found = await anyio.to_thread.run_sync(describe, request.app.state.store, iri)
    if found is None:
        message = f"{iri}: the graph says nothing about this IRI"
        return PlainTextResponse(message + "\n", status_code=404) if fmt else HTMLResponse(page(iri, None), 404)
    if fmt:
        return Response(serialize_graph(ntriples(found), fmt), media_type=MEDIA[fmt], headers={"Vary": "Accept"})
    return HTMLResponse(page(iri, found), headers={"Vary": "Accept"})


def wanted_format(request: Request) -> str | None:
    """An RDF format when asked for by ``?format=`` or preferred by the Accept header; None for HTML."""
    asked = request.query_params.get("format")
    if asked:
        return FORMATS.get(asked)
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";")[0].strip()
        if media in ("text/html", "application/xhtml+xml"):
            return None
        if media in RDF_TYPES:
            return RDF_TYPES[media]
    return None


def ntriples(found: Description) -> str:
    subject = to_ntriples({"type": "uri", "value": found.iri})
    lines = [f"{subject} <{s.predicate}> {to_ntriples(s.term)} ." for s in found.outgoing]
    lines += [f"{to_ntriples(s.term)} <{s.predicate}> {subject} ." for s in found.incoming]
    return "\n".join(lines) + "\n"


def page(iri: str, found: Description | None) -> str:
    if found is None:
        body = f"<h1>Not found</h1><p>The graph says nothing about <code>{esc(iri)}</code>.</p>"
        return shell("not found", body)
    zh, en = found.labels("zh"), found.labels("en")
    title = zh[0] if zh else en[0] if en else prefixed(iri)
    parts = [
        f'<h1 lang="zh">{esc(title)}</h1>',
        f'<p class="en" lang="en">{esc(en[0])}</p>' if en and zh else "",
        f'<p class="iri"><code>{esc(iri)}</code> · <a href="?format=ttl">Turtle</a> · '
        f'<a href="?format=jsonld">JSON-LD</a> · <a href="?format=nt">N-Triples</a></p>',
        source_section(found.passage) if found.passage else "",
        "<h2>陈述 / Statements</h2>",
        statements_table(found, found.outgoing, incoming=False),
    ]
    if found.incoming:
        parts += ["<h2>指向此资源 / Incoming links</h2>", statements_table(found, found.incoming, incoming=True)]
        if found.more_incoming:
            parts.append(f"<p>Only the first {len(found.incoming)} are shown; query the endpoint for all.</p>")
    return shell(title, "\n".join(parts))


def source_section(passage: Passage) -> str:
    rows = []
    for index, part in enumerate(passage.parts):
        if index == passage.marked:
            text = esc(part[: passage.start]) + f"<mark>{esc(part[passage.start : passage.end])}</mark>"
            text += esc(part[passage.end :])
            rows.append(f'<p class="own" lang="zh">{text}</p>')
        else:
            rows.append(f'<p lang="zh">{esc(part)}</p>')
    where = f"{esc(passage.path.rsplit('/', 1)[-1])}, line {passage.line}"
    return f'<h2>来源 / Source</h2><div class="source"><p class="where">{where}</p>{"".join(rows)}</div>'


def statements_table(found: Description, statements: list[Statement], incoming: bool) -> str:
    rows = []
    for s in statements:
        note = (
            ' <span class="entailed" title="entailed by the ontology (ontology/rules/)">⊢</span>' if s.entailed else ""
        )
        rows.append(
            f"<tr><th>{term_html(found, {'type': 'uri', 'value': s.predicate})}</th>"
            f"<td>{term_html(found, s.term)}{note}</td></tr>"
        )
    head = "<tr><th>属性 / property</th><th>来自 / from</th></tr>" if incoming else ""
    return f'<table class="statements">{head}{"".join(rows)}</table>'


def term_html(found: Description, term: dict) -> str:
    value = term["value"]
    if term["type"] == "literal":
        lang = term.get("xml:lang")
        attr = f' lang="{esc(lang)}"' if lang else ""
        suffix = f' <span class="dt">@{esc(lang)}</span>' if lang else ""
        if "datatype" in term:
            suffix = f' <span class="dt">{esc(prefixed(term["datatype"]))}</span>'
        return f"<span{attr}>{esc(value)}</span>{suffix}"
    if term["type"] != "uri":
        return esc(f"_:{value}")
    label = found.names.get(value, {})
    name = label.get("zh") or label.get("en") or label.get("")
    shown = f"{esc(name)} <small>{esc(prefixed(value))}</small>" if name else esc(prefixed(value))
    href = local_url(value) or (value if value.startswith(("http://", "https://")) else None)
    if href is None:  # urn:, mailto:, javascript: … are shown, not linked
        return f'<span title="{esc(value)}">{shown}</span>'
    return f'<a href="{esc(href)}" title="{esc(value)}">{shown}</a>'


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def shell(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{esc(title)} — ipgraph</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><h1><a href="/">ipgraph</a> <small>知识产权政策任务清单 · resource</small></h1>
<nav><a href="/">查询 / query</a> · <a href="/network">部门网络 / network</a></nav></header>
<main class="resource">{body}</main></body></html>
"""
