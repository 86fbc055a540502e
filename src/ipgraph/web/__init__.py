"""Serving: the read-only SPARQL 1.1 Protocol endpoint, the named-query URLs and the browser page.

Routes (all read-only; the table is ``app.routes()``):

- ``/sparql`` — SPARQL 1.1 Protocol: GET ``?query=``, POST form ``query=`` or an
  ``application/sparql-query`` body; results by content negotiation (or ``?format=``).
  Without a query it answers with its SPARQL service description.
- ``/queries.json`` — the named query library (titles, questions, parameters, columns).
- ``/queries/NAME.EXT?param=…`` — a named query's answer as a citable URL
  (EXT: json, xml, csv, tsv; ttl, nt, jsonld for graph results; ``rq`` for the query text).
- ``/`` — the query page (``static/``); ``/network`` — the department network view.

Modules: ``app`` (route table, state), ``endpoint`` (query routes), ``pages`` (browser pages),
``protocol`` (reading and refusing SPARQL requests), ``formats`` (content negotiation, writers),
``engine`` (running queries on the worker pool of ``ipgraph.sparql.pool``), ``limits``,
``middleware`` (request sizes), ``connections`` (slow, idle and surplus connections),
``origins`` (Host names and cross-origin POSTs) and ``server`` (uvicorn).

Updates (and so ``LOAD``) are refused (403), and so is ``SERVICE`` — a federated query
would make the server send requests to other hosts — unless explicitly allowed. Each query
has a time limit and a row limit (both configurable); hitting either gives an HTTP error
saying which (503, 422). Requests are bounded too: a body over ``max_body`` bytes is refused
(413), and a client must send its whole request (headers and body) within ``request_timeout``
seconds of connecting, or of its previous answer, else the connection is closed.

Imports ``ipgraph.sparql`` and ``ipgraph.network``/``ipgraph.export`` for the network view.
"""
