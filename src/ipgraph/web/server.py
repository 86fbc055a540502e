"""Running the app under uvicorn, with the connection limits of ``ipgraph.web.connections``."""

from __future__ import annotations

import gc
import socket
import sys
from types import FrameType

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ipgraph.errors import IpgraphError
from ipgraph.sparql.pool import QueryPool
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web.app import create_app
from ipgraph.web.connections import Connections, RequestClock
from ipgraph.web.engine import Engine
from ipgraph.web.limits import HOST, PORT, Limits
from ipgraph.web.origins import SameOrigin, host_names


def check_host(host: str) -> None:
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"ipgraph: serving on {host}: reachable from other machines", file=sys.stderr)


def server_config(app: ASGIApp, host: str, port: int, limits: Limits) -> uvicorn.Config:
    """The uvicorn configuration that enforces the connection limits of ``limits``."""
    connections = Connections(limits.request_timeout, limits.max_header, limits.connections)
    return uvicorn.Config(
        SameOrigin(RequestClock(app, connections), host_names(host, limits.hosts)),
        host=host,
        port=port,
        log_level="warning",
        http=connections.protocol(HttpToolsProtocol),
        loop="auto",  # uvloop where installed
        timeout_keep_alive=5,
        proxy_headers=False,  # X-Forwarded-* would name the client; this server trusts no proxy's word
        # stopping waits this long for answers under way, then abandons them and stops the query workers
        timeout_graceful_shutdown=3,
    )


def serve(
    store: EmbeddedStore,
    host: str = HOST,
    port: int = PORT,
    limits: Limits | None = None,
    pool: QueryPool | None = None,
) -> None:
    """Serve until interrupted (``pool``: the query workers, if already starting)."""
    if not 0 <= port <= 65535:
        raise IpgraphError(f"--port {port}: not a TCP port")
    check_host(host)
    limits = limits or Limits()
    listener = listening_socket(host, port)
    app = create_app(store, limits, pool=pool)
    gc.collect()
    gc.freeze()  # what start-up made lives as long as the server: the collector need not walk it again
    Server(server_config(app, host, port, limits), app.state.engine).run(sockets=[listener])


def listening_socket(host: str, port: int) -> socket.socket:
    """The server's socket, bound here so that a port in use is one clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        reason = exc.strerror or str(exc)
        raise IpgraphError(f"--host {host} --port {port}: cannot listen there: {reason}") from None
    return listener


class Server(uvicorn.Server):
    """uvicorn's server, stopping the query workers as soon as it is told to stop (SIGINT, SIGTERM):
    an answer still being computed is then 503 at once instead of holding the shutdown."""

    def __init__(self, config: uvicorn.Config, engine: Engine):
        super().__init__(config)
        self.engine = engine

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self.engine.close()
