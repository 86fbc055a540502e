"""A pool of query worker processes: each holds the graph, answers one query at a time, and is
killed and replaced when its query passes the time limit or dies at its memory limit.

pyoxigraph cannot cancel a running query and a thread cannot be stopped, so a query that must be
stoppable runs in another process. Forking one per query costs more than most queries, and forking
from a threaded server is unsafe (it can deadlock), so the workers are started once, by
multiprocessing's fork server: a single-threaded process started with the pool, which imports this
module once and forks every worker, the replacements too. A worker over a persistent store opens it
read-only (milliseconds, whatever its size); over a graph held in memory it loads the graph, sent as
N-Quads, once. The pool starts in the background: a server listens at once, and a query waits for
the first worker that is ready.

Network: unless federated queries are allowed, a worker cannot open network connections
(``ipgraph.sparql.sandbox``), so a SERVICE that got past the endpoint's reading of the query
fails in the engine, and is answered :class:`ServiceRefused`.

Memory: a worker limits its own address space (``RLIMIT_AS``) to what it holds once the graph is
loaded plus ``memory`` bytes. A query that needs more fails there: Python's MemoryError, or the
engine's allocation failure, which ends the worker; either way the answer is
:class:`QueryMemoryError` and the worker is replaced.
"""

from __future__ import annotations

import asyncio
import faulthandler
import functools
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.errors import IpgraphError, QueryError, QueryMemoryError, QueryTimeout, ServiceRefused
from ipgraph.sparql import sandbox
from ipgraph.sparql.persist import read_only
from ipgraph.sparql.run import (
    Dataset,
    Terms,
    answer,
    died_of_memory,
    ended_without_answer,
    evaluate,
    limit_memory,
    memory_message,
    timeout_message,
)
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.sparql.written import written

START_SECONDS = 600.0  # loading a large graph into a new worker

# What a worker reads: the folder of a persistent store (opened read-only) or the graph as N-Quads.
Source = Path | bytes


@dataclass(frozen=True)
class Job:
    """A query for a worker; or, with ``call``, a function of the worker's store (a module-level one).

    With ``fmt`` the worker answers with the result written in that format (:class:`Written`), so
    that the server only sends bytes on: writing is most of a small answer's cost, and the workers
    write in parallel while the server's one thread takes requests."""

    text: str = ""
    substitutions: Terms = field(default_factory=dict)
    max_rows: int | None = None
    dataset: Dataset | None = None
    call: Callable[[EmbeddedStore], object] | None = None
    fmt: str | None = None

    def run(self, store: EmbeddedStore) -> object:
        if self.call is not None:
            return self.call(store)
        result = evaluate(store, self.text, self.substitutions, self.max_rows, self.dataset)
        return result if self.fmt is None else written(result, self.fmt)


SERVICE_REFUSED = (
    "SERVICE is not allowed: this endpoint does not send queries to other hosts "
    "(start it with --allow-service to permit federated queries)"
)


class PoolClosed(QueryError):
    """The pool was closed (the server is stopping) before or while the query ran."""


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, ctx: Any, source: Source, union: bool, memory: int | None, network: bool):
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(
            target=_work, args=(theirs, source, union, memory, network), name="ipgraph-query", daemon=True
        )
        self.process.start()
        theirs.close()
        self.ready = False
        self.loop: asyncio.AbstractEventLoop | None = None  # the event loop watching the pipe, if one is
        self.waiter: asyncio.Future | None = None  # what that loop's query awaits

    def run(self, job: Job, timeout: float | None, memory: int | None) -> Any:
        if not self.ready:
            self._receive(START_SECONDS, memory)
            self.ready = True
        self.conn.send(job)
        if timeout is not None and not self.conn.poll(timeout):
            raise QueryTimeout(timeout_message(timeout))
        return self._receive(None, memory)

    async def arun(self, job: Job, timeout: float | None, memory: int | None) -> Any:
        """``run`` for an asyncio event loop, which waits for the answer among its other work."""
        if not self.ready:
            if not await self._readable(START_SECONDS):
                raise QueryError("the query worker did not start")
            self._receive(None, memory)
            self.ready = True
        self.conn.send(job)
        if not await self._readable(timeout):
            raise QueryTimeout(timeout_message(timeout or 0))
        return self._receive(None, memory)

    async def _readable(self, timeout: float | None) -> bool:
        """Whether the worker's answer (or the end of its pipe) came within ``timeout`` seconds.

        The loop watches the pipe from the first query on (registering and unregistering it for each
        query cost four system calls), and stops when it becomes readable with nobody waiting (a
        worker that died between queries) or the worker is to be replaced (``unwatch``)."""
        loop = asyncio.get_running_loop()
        fd = self.conn.fileno()
        if self.loop is not loop:
            self.unwatch()
            loop.add_reader(fd, self._arrived)
            os.set_blocking(fd, True)  # uvloop's watching made it non-blocking; recv and send expect it blocking
            self.loop = loop
        self.waiter = arrived = loop.create_future()
        late = None if timeout is None else loop.call_later(timeout, _settle, arrived, False)
        try:
            return await arrived
        finally:
            if late is not None:
                late.cancel()
            self.waiter = None

    def _arrived(self) -> None:
        if self.waiter is None:
            self.unwatch()
        else:
            _settle(self.waiter, True)

    def unwatch(self) -> None:
        """Stop the loop watching the pipe (in the loop's thread), before the pipe is closed."""
        if self.loop is not None:
            self.loop.remove_reader(self.conn.fileno())
            os.set_blocking(self.conn.fileno(), True)
            self.loop = None

    def _receive(self, timeout: float | None, memory: int | None) -> Any:
        if timeout is not None and not self.conn.poll(timeout):
            raise QueryError("the query worker did not start")
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            if memory is not None and died_of_memory(self.process.exitcode):
                raise QueryMemoryError(memory_message(memory)) from None
            raise QueryError(ended_without_answer(self.process.exitcode)) from None
        if kind == "memory":
            raise QueryMemoryError(memory_message(memory or 0))
        if kind == "service":
            raise ServiceRefused(SERVICE_REFUSED)
        if kind == "error":
            raise QueryError(payload)
        return payload

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        """Kill the process; a thread waiting for its answer then reads the end of the pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _settle(waiting: asyncio.Future, came: bool) -> None:
    if not waiting.done():
        waiting.set_result(came)


def _context() -> Any:
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])  # imported once by the fork server, so already in every worker
    return ctx


def start_fork_server() -> None:
    """Start the process that forks the workers now: it imports what they need while the caller goes on
    (a server opening its store and importing the web framework)."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class QueryPool:
    """``size`` worker processes over one graph; ``run`` may be called from any thread.

    The workers are started by a thread of their own, so that making the pool takes no time: ``run``
    waits for the first that is ready."""

    def __init__(self, store: EmbeddedStore, size: int, memory: int | None, network: bool = False):
        self.ctx = _context()
        self.store = store
        self.source: Source | None = store.location  # a graph in memory is dumped by the starting thread
        # A persistent store keeps each document in its named graph and reads their union.
        self.union = store.union
        self.memory = memory
        self.network = network
        self.lock = threading.Lock()
        self.workers: set[Worker] = set()
        self.idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self.closed = False
        self.failure: str | None = None
        self.starter = threading.Thread(target=self._start_all, args=(size,), name="ipgraph-pool", daemon=True)
        self.starter.start()

    def _start_all(self, size: int) -> None:
        try:
            if self.source is None:
                self.source = self.store.store.dump(format=ox.RdfFormat.N_QUADS) or b""
            for _ in range(size):
                if self.closed:
                    return
                self.idle.put(self._start())
        except Exception as exc:  # reported to every query that waits for a worker
            self.failure = f"the query workers did not start: {type(exc).__name__}: {exc}"

    def _start(self) -> Worker:
        assert self.source is not None
        worker = Worker(self.ctx, self.source, self.union, self.memory, self.network)
        with self.lock:
            self.workers.add(worker)
            if self.closed:  # closed while this one started
                worker.stop()
        return worker

    def _replace(self, worker: Worker) -> Worker:
        worker.stop()
        worker.conn.close()
        with self.lock:
            self.workers.discard(worker)
        return self._start()

    def _take(self) -> Worker:
        """An idle worker, waiting for one (the first ones may still be starting)."""
        while True:
            try:
                return self.idle.get(timeout=0.5)
            except queue.Empty:
                if self.closed:
                    raise PoolClosed("the server is stopping") from None
                if self.failure is not None:
                    raise QueryError(self.failure) from None

    def run(self, job: Job, timeout: float | None) -> Any:
        """The answer of one worker; a worker whose query failed by time or memory is replaced.

        Callers wait for a free worker; the web engine lets no more callers in than there are workers."""
        if self.closed:
            raise PoolClosed("the server is stopping")
        worker = self._take()
        try:
            return worker.run(job, timeout, self.memory)
        except QueryError as exc:
            if self.closed:
                raise PoolClosed("the server is stopping; the query was stopped") from None
            if not self.closed and (isinstance(exc, QueryTimeout | QueryMemoryError) or not worker.alive()):
                worker = self._replace(worker)
            raise
        finally:
            self.idle.put(worker)

    async def arun(self, job: Job, timeout: float | None) -> Any:
        """``run`` on an asyncio event loop: it sends the job and waits for the pipe to be readable
        itself, instead of handing the request to a thread (two thread switches, and a thread taking
        the interpreter's lock from the loop, per query). A pool serves one of the two ways: the
        workers' pipes are watched by the loop."""
        if self.closed:
            raise PoolClosed("the server is stopping")
        worker = await self._atake()
        keep = False
        try:
            answer = await worker.arun(job, timeout, self.memory)
            keep = True
            return answer
        except QueryError as exc:
            if self.closed:
                raise PoolClosed("the server is stopping; the query was stopped") from None
            keep = not isinstance(exc, QueryTimeout | QueryMemoryError) and worker.alive()
            raise
        finally:
            if keep or self.closed:
                self.idle.put(worker)
            else:  # stopped by its limit, dead, or abandoned mid-query (the request was cancelled)
                worker.unwatch()
                threading.Thread(target=self._renew, args=(worker,), daemon=True).start()

    async def _atake(self) -> Worker:
        """An idle worker, for the event loop: while none is (the first are starting, or one is being
        replaced), it looks again every few milliseconds."""
        while True:
            try:
                return self.idle.get_nowait()
            except queue.Empty:
                if self.closed:
                    raise PoolClosed("the server is stopping") from None
                if self.failure is not None:
                    raise QueryError(self.failure) from None
                await asyncio.sleep(0.005)

    def _renew(self, worker: Worker) -> None:
        """Replace the worker, away from the event loop (stopping and starting a process wait)."""
        try:
            self.idle.put(self._replace(worker))
        except Exception as exc:  # reported to the queries that wait for a worker
            self.failure = f"a query worker could not be replaced: {type(exc).__name__}: {exc}"

    def close(self) -> None:
        """Stop every worker, busy or not: a query still running ends without an answer."""
        with self.lock:
            self.closed = True
            workers, self.workers = list(self.workers), set()
        for worker in workers:
            worker.stop()


def _end_with_the_server() -> None:
    """End this worker as soon as the process that started it ends, however it ends (even mid-query).

    The fork server is the worker's parent, and it ends only after its workers do, so the kernel's
    parent-death signal would not do; multiprocessing gives the worker a sentinel of the server."""
    server = multiprocessing.parent_process()
    if server is not None:
        server.join()
    os._exit(1)


def _open(source: Source, union: bool) -> EmbeddedStore:
    if isinstance(source, Path):
        return read_only(source)
    store = EmbeddedStore(union=union)
    store.store.load(source, format=ox.RdfFormat.N_QUADS)
    return store


def _work(
    conn: multiprocessing.connection.Connection, source: Source, union: bool, memory: int | None, network: bool
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    faulthandler.disable()  # an allocation failure at the memory limit aborts; the server reports it
    threading.Thread(target=_end_with_the_server, daemon=True).start()
    try:
        store = _open(source, union)
    except IpgraphError as exc:
        conn.send(("error", str(exc)))
        return
    del source
    limit_memory(memory)
    sandboxed = not network and sandbox.forbid_network()
    conn.send(("ready", None))
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        message = answer(functools.partial(job.run, store))
        if sandboxed and message[0] == "error" and sandbox.REFUSED in str(message[1]):
            message = ("service", None)
        try:
            conn.send(message)
        except MemoryError:  # the answer was too large to send
            conn.send(("memory", None))
