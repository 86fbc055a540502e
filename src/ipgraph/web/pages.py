"""The browser pages: the query page (``static/``) and the department network view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web.limits import HttpError, error_response

WEB_DIR = Path(__file__).resolve().parent / "static"


async def index(request: Request) -> Response:
    return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")


async def network(request: Request) -> Response:
    """The network view, computed once per server (the graph does not change while it runs) on a query
    worker, within the limits of a query; concurrent first requests wait for the one computation."""
    state = request.app.state
    page: Callable[[EmbeddedStore], str] | None = state.network_page
    if page is None:
        return PlainTextResponse("the network view is not available here\n", status_code=404)
    async with state.network_lock:
        if state.network_html is None:
            try:
                state.network_html = await state.engine.compute(page)
            except HttpError as exc:
                return error_response(exc)
    return HTMLResponse(state.network_html)


def network_view(store: EmbeddedStore) -> str:
    """The department network view of ``ipgraph.export`` over ``store``."""
    from ipgraph.export import html_view
    from ipgraph.network import store_runner

    return html_view(store_runner(store))
