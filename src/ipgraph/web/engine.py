"""Running queries for the endpoint: on a pool of worker processes, at most ``workers`` at a time,
each within the time, row and memory limits; answers kept for the next identical request."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from ipgraph.errors import IpgraphError, QueryMemoryError, QueryTimeout, ServiceRefused
from ipgraph.sparql.checks import parameter_warnings
from ipgraph.sparql.library import NamedQuery
from ipgraph.sparql.pool import Job, PoolClosed, QueryPool
from ipgraph.sparql.results import Result
from ipgraph.sparql.run import Dataset
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.sparql.written import Written, written
from ipgraph.web.limits import HttpError, Limits

MiB = 1024 * 1024


class Answers:
    """Answers already given, by request, for the graph the server holds (it never changes while it
    runs). The most recently used first; at most ``entries`` of them and ``size`` bytes in all."""

    def __init__(self, entries: int = 1024, size: int = 64 * MiB, largest: int = MiB):
        self.entries, self.size, self.largest = entries, size, largest
        self.kept: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self.held = 0
        self.pending: dict[tuple, asyncio.Future] = {}  # answers being computed, for requests asking meanwhile

    async def once(self, key: tuple, compute: Callable[[], Awaitable[tuple[bytes, str]]]) -> tuple[bytes, str]:
        """The answer to ``key``: the one kept, or one computation shared by every request that asks for
        it while it runs (fifty clients asking the same new question run it once, not fifty times, four
        at a time). Without answers kept (``entries`` 0), each request computes its own."""
        found = self.get(key)
        if found is not None:
            return found
        if not self.entries:
            return await compute()
        running = self.pending.get(key)
        if running is not None:
            return await asyncio.shield(running)  # the first request's outcome, error or answer
        shared = asyncio.get_running_loop().create_future()
        self.pending[key] = shared
        try:
            found = await compute()
        except Exception as exc:
            shared.set_exception(exc)
            shared.exception()  # seen: no warning when nobody else was waiting
            raise
        except BaseException:  # the first request was cancelled (its client left): the others are told
            shared.set_exception(HttpError(503, "the query was stopped; ask again"))
            shared.exception()
            raise
        finally:
            del self.pending[key]
        shared.set_result(found)
        self.put(key, *found)
        return found

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        found = self.kept.get(key)
        if found is not None:
            self.kept.move_to_end(key)
        return found

    def put(self, key: tuple, body: bytes, media: str) -> None:
        if len(body) > self.largest or key in self.kept or not self.entries:
            return
        self.kept[key] = (body, media)
        self.held += len(body)
        while len(self.kept) > self.entries or self.held > self.size:
            _, (old, _) = self.kept.popitem(last=False)
            self.held -= len(old)


class Engine:
    """Runs queries on the embedded store within the limits.

    The worker processes start with the app (``start``, in the background: the server takes requests
    at once, and queries wait for the first worker ready) or before it, and stop with it (``close``):
    a server stopped while a query runs does not wait for it."""

    def __init__(self, store: EmbeddedStore, limits: Limits, pool: QueryPool | None = None):
        self.store = store
        self.limits = limits
        self.pool = pool  # one already starting, or made by ``start``
        self.answers = Answers(entries=limits.answers)
        self._slots: anyio.Semaphore | None = None  # made on first use, inside the event loop

    def start(self) -> None:
        if self.pool is None:
            self.pool = QueryPool(self.store, self.limits.workers, self.limits.memory, self.limits.allow_service)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    @property
    def slots(self) -> anyio.Semaphore:
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limits.workers)
        return self._slots

    async def run(
        self, query: NamedQuery, params: dict[str, str] | None = None, dataset: Dataset | None = None
    ) -> Result:
        """Run on a worker (the event loop goes on serving), after waiting at most the time limit for one."""
        try:
            job = Job(query.text, query.bind(params), self.limits.max_rows, dataset)
        except IpgraphError as exc:
            raise HttpError(400, str(exc)) from None
        result = await self.call(job)
        if result.kind == "bindings" and not result.rows and query.names:
            result.warnings = await anyio.to_thread.run_sync(parameter_warnings, self.store, query, params)
        if result.truncated:
            raise HttpError(
                422,
                f"the answer has more than {self.limits.max_rows} rows, the server's row limit; "
                "narrow the query or add a LIMIT",
            )
        return result

    async def written(
        self, query: NamedQuery, fmt: str, params: dict[str, str] | None = None, dataset: Dataset | None = None
    ) -> Written:
        """The answer as a worker wrote it in ``fmt`` (or in the result's own kind of format when ``fmt``
        does not fit it); the same checks as ``run``."""
        try:
            job = Job(query.text, query.bind(params), self.limits.max_rows, dataset, fmt=fmt)
        except IpgraphError as exc:
            raise HttpError(400, str(exc)) from None
        answer: Written = await self.call(job)
        if answer.truncated:
            raise HttpError(
                422,
                f"the answer has more than {self.limits.max_rows} rows, the server's row limit; "
                "narrow the query or add a LIMIT",
            )
        if answer.empty and query.names:
            warnings = await anyio.to_thread.run_sync(parameter_warnings, self.store, query, params)
            if warnings:  # an empty answer: written again here, with why it may be empty
                answer = written(Result(variables=list(answer.variables), warnings=warnings), answer.fmt)
        return answer

    async def compute(self, function: Callable[[EmbeddedStore], Any]) -> Any:
        """``function(store)`` on a worker, within the same limits as a query (a module-level function)."""
        return await self.call(Job(call=function))

    async def call(self, job: Job) -> Any:
        self.start()
        try:
            self.slots.acquire_nowait()  # a free worker: no waiting, and no cancel scope to set up
        except anyio.WouldBlock:
            try:
                with anyio.fail_after(self.limits.timeout):
                    await self.slots.acquire()
            except TimeoutError:
                raise HttpError(
                    503, f"the server is busy: {self.limits.workers} queries are still running; try later"
                ) from None
        try:
            assert self.pool is not None
            return await self.pool.arun(job, self.limits.timeout)
        except (QueryTimeout, QueryMemoryError, PoolClosed) as exc:
            raise HttpError(503, str(exc)) from None
        except ServiceRefused as exc:
            raise HttpError(403, str(exc)) from None
        except IpgraphError as exc:
            raise HttpError(400, str(exc)) from None
        finally:
            self.slots.release()
