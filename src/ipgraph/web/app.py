"""The web application: its route table, its middleware, and the state its handlers share.

A new page is a handler in a module of its own, added to ``routes()``; handlers find the store,
the limits and the query engine in ``request.app.state``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ipgraph.sparql.library import library
from ipgraph.sparql.pool import QueryPool
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web import editing, endpoint, pages, resources
from ipgraph.web.engine import Engine
from ipgraph.web.limits import Limits
from ipgraph.web.middleware import RequestLimits


def routes() -> list[BaseRoute]:
    return [
        Route("/", pages.index),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"]),
        Route("/queries.json", endpoint.queries),
        Route("/queries/{name:str}.html", editing.query_page),
        Route("/queries/{name:str}.{ext:str}", endpoint.named),
        Route("/edited/{name:str}.{ext:str}", editing.edited),
        Route("/completions.json", editing.completions),
        Route("/id/{path:path}", resources.resource),
        Route("/network", pages.network),
        Mount("/static", StaticFiles(directory=pages.WEB_DIR), name="static"),
    ]


def create_app(
    store: EmbeddedStore,
    limits: Limits | None = None,
    network_page: Callable[[EmbeddedStore], str] | None = pages.network_view,
    pool: QueryPool | None = None,
) -> Starlette:
    """The web application: a SPARQL endpoint, named-query URLs and the browser page over ``store``.

    ``network_page`` makes the page at ``/network`` from a store (a module-level function: it runs in a
    query worker); None leaves the page out. ``pool``: the query workers, if already starting."""
    limits = limits or Limits()
    limit = Middleware(RequestLimits, max_body=limits.max_body, max_header=limits.max_header)
    engine = Engine(store, limits, pool)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine.start()  # the query workers, in the background
        try:
            yield
        finally:
            engine.close()

    app = Starlette(routes=routes(), middleware=[limit], lifespan=lifespan)
    app.state.store = store
    app.state.limits = limits
    app.state.engine = engine
    app.state.library = library()  # read once: a server answers with the queries it started with
    app.state.network_page = network_page
    app.state.network_html = None
    app.state.network_lock = anyio.Lock()
    return app
