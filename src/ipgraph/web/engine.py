"""Running queries for the endpoint: at most ``workers`` at a time, each within the limits."""

from __future__ import annotations

import anyio

from ipgraph.errors import IpgraphError, QueryTimeout
from ipgraph.sparql.library import NamedQuery
from ipgraph.sparql.results import Result
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web.limits import HttpError, Limits


class Engine:
    """Runs queries on the embedded store within the limits."""

    def __init__(self, store: EmbeddedStore, limits: Limits):
        self.store = store
        self.limits = limits
        self._slots: anyio.Semaphore | None = None  # made on first use, inside the event loop

    @property
    def slots(self) -> anyio.Semaphore:
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limits.workers)
        return self._slots

    def _run(self, query: NamedQuery, params: dict[str, str]) -> Result:
        return run_embedded(self.store, query, params, self.limits.max_rows, timeout=self.limits.timeout)

    async def run(self, query: NamedQuery, params: dict[str, str] | None = None) -> Result:
        """Run in a worker thread (the event loop goes on serving), after waiting at most the time limit for a slot."""
        try:
            with anyio.fail_after(self.limits.timeout):
                await self.slots.acquire()
        except TimeoutError:
            raise HttpError(
                503, f"the server is busy: {self.limits.workers} queries are still running; try later"
            ) from None
        try:
            result = await anyio.to_thread.run_sync(self._run, query, params or {})
        except QueryTimeout as exc:
            raise HttpError(503, str(exc)) from None
        except IpgraphError as exc:
            raise HttpError(400, str(exc)) from None
        finally:
            self.slots.release()
        if result.truncated or (result.triples and result.triples.count("\n") > self.limits.max_rows):
            raise HttpError(
                422,
                f"the answer has more than {self.limits.max_rows} rows, the server's row limit; "
                "narrow the query or add a LIMIT",
            )
        return result
