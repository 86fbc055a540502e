"""Limits on the process a query runs in: time, memory, and the messages that report them.

A command whose process is the query (``ipgraph query``) keeps them in that process
(:func:`limits_on_this_process`); a query process started for the purpose (a child of
:mod:`ipgraph.sparql.run`, a worker of :mod:`ipgraph.sparql.pool`) limits its own memory
(:func:`limit_memory`) and is killed at the deadline by its parent.
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator

from ipgraph.errors import QueryMemoryError

MiB = 1024**2
GiB = 1024**3
DEFAULT_MEMORY = GiB  # bytes a query may take beyond what its process holds before it starts
DEFAULT_TIMEOUT = 30.0  # seconds a command-line query may run
STOPPED = 2  # the exit status of a command stopped at a limit, as of any refused command


@contextlib.contextmanager
def limits_on_this_process(timeout: float, memory: int | None) -> Iterator[None]:
    """End this process, with the limit's message on standard error and exit status ``STOPPED``,
    when the block runs past ``timeout`` seconds or needs more than ``memory`` bytes beyond what the
    process holds; for a command whose process is the query, so that no child need start.

    A thread waits for the deadline: the engine releases the GIL while it works, so the thread
    runs on time, and ending the process is the only way to stop the engine. The same thread ends
    the process at Ctrl-C, SIGTERM or SIGHUP (told through the signal wakeup fd), whose Python
    handlers would run only once the engine returns. The address-space limit makes an allocation
    fail, which the engine answers by aborting: a handler of SIGABRT prints the message then (an
    allocation of Python's raises MemoryError, reported as the same error)."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    previous_fd = signal.set_wakeup_fd(wake_write)  # the main thread's signals, as their numbers

    def watch() -> None:
        ready, _, _ = select.select([wake_read], [], [], None if timeout == math.inf else timeout)
        if not ready:
            _end(timeout_message(timeout))
        woken = os.read(wake_read, 1)
        if woken and woken[0]:  # a signal, not the block's end
            _end(*_stopped_by(woken[0]))

    threading.Thread(target=watch, name="ipgraph-limits", daemon=True).start()
    restore = _limit_this_process(memory) if memory is not None else None
    try:
        yield
    except MemoryError:
        raise QueryMemoryError(memory_message(memory or 0)) from None
    finally:
        signal.set_wakeup_fd(previous_fd)
        os.write(wake_write, b"\0")
        if restore is not None:
            restore()


def _stopped_by(signum: int) -> tuple[str, int]:
    """The message and exit status of a command stopped by a signal (as ``ipgraph.cli`` reports them)."""
    if signum == signal.SIGINT:
        return "interrupted", 128 + signum
    return f"stopped ({signal.Signals(signum).name})", 128 + signum


def _end(message: str, status: int = STOPPED) -> None:
    """Write the message and end the process at once, whatever its threads are doing."""
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os.write(2, f"ipgraph: {message}\n".encode())
    os._exit(status)


def _limit_this_process(memory: int) -> Callable[[], None] | None:
    """Limit this process's memory as :func:`limit_memory` does, with the memory-limit message when an
    allocation fails in the engine; returns what undoes both (None where it cannot be done)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import resource

    handler_type = ctypes.CFUNCTYPE(None, ctypes.c_int)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.signal.restype = ctypes.c_void_p
    libc.signal.argtypes = [ctypes.c_int, ctypes.c_void_p]
    previous_limit = resource.getrlimit(resource.RLIMIT_AS)

    def aborted(signum: int) -> None:
        resource.setrlimit(resource.RLIMIT_AS, previous_limit)  # room to write the message
        _end(memory_message(memory))

    handlers = [handler_type(aborted)]  # kept alive while the engine may call it
    previous_handler = libc.signal(signal.SIGABRT, ctypes.cast(handlers[0], ctypes.c_void_p))
    limit_memory(memory)

    def restore() -> None:
        resource.setrlimit(resource.RLIMIT_AS, previous_limit)
        libc.signal(signal.SIGABRT, previous_handler)
        handlers.clear()

    return restore


def timeout_message(timeout: float) -> str:
    return (
        f"query stopped: it ran past the time limit of {timeout:g} s, and no results were returned "
        "(simplify the query, add a LIMIT, or raise the limit)"
    )


def memory_text(size: int) -> str:
    return f"{size / GiB:g} GiB" if size >= GiB else f"{size / MiB:g} MiB"


def memory_message(memory: int) -> str:
    return (
        f"query stopped: it needed more than {memory_text(memory)} of memory, the limit per query, "
        "and no results were returned (narrow the query or add a LIMIT)"
    )


def limit_memory(memory: int | None) -> None:
    """Limit this process's address space to what it has now plus ``memory`` bytes (Linux)."""
    if memory is None or not sys.platform.startswith("linux"):
        return
    import resource

    with open("/proc/self/statm") as statm:
        held = int(statm.read().split()[0]) * resource.getpagesize()
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    wanted = held + memory
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
