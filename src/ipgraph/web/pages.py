"""The browser pages: the query page (``static/``) and the department network view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from ipgraph.sparql.store import EmbeddedStore

WEB_DIR = Path(__file__).resolve().parent / "static"


async def index(request: Request) -> Response:
    return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")


async def network(request: Request) -> Response:
    page: Callable[[], str] | None = request.app.state.network_page
    if page is None:
        return PlainTextResponse("the network view is not available in this installation\n", status_code=404)
    return HTMLResponse(await anyio.to_thread.run_sync(page))


def default_network_page(store: EmbeddedStore) -> Callable[[], str]:
    """The department network view of ``ipgraph.export`` (imported when the page is made)."""
    from ipgraph.export import html_view
    from ipgraph.network import store_runner

    return lambda: html_view(store_runner(store))
