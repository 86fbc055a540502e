"""The endpoint's limits, and the error that carries an HTTP status to the client."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import PlainTextResponse, Response

from ipgraph.sparql.run import DEFAULT_MEMORY

MiB = 1024 * 1024
HOST = "127.0.0.1"  # the address served on by default: this machine only
PORT = 8000


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds per query
    max_rows: int = 10_000  # rows (or triples) per answer
    workers: int = 4  # queries running at once, each in a worker process of its own
    memory: int | None = DEFAULT_MEMORY  # bytes a query may take in its worker, beyond the graph
    max_body: int = MiB  # bytes of a request body
    request_timeout: float = 10.0  # seconds to send a whole request (headers and body)
    max_header: int = 64 * 1024  # bytes of the request line and headers (a GET query travels there)
    connections: int = 100  # open connections; when full, one still waiting for its request makes room
    allow_service: bool = False  # SERVICE (federated queries to other hosts)
    answers: int = 1024  # answers kept for identical requests (the graph does not change while serving); 0: none
    hosts: tuple[str, ...] = ()  # names for the Host header besides the address served on


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(exc: HttpError) -> Response:
    return PlainTextResponse(exc.message + "\n", status_code=exc.status)
