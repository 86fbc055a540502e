"""Safe file output: every file ipgraph writes appears whole or not at all."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ipgraph.errors import IpgraphError


def atomic_write(path: str | Path, data: bytes | str, durable: bool = True) -> Path:
    """Write to a temporary file beside the target, then rename it over the target.

    An interrupted or failing write (an exception, Ctrl-C, a full disk) leaves the
    previous file untouched and no temporary file behind. The new file keeps the
    permissions of the one it replaces; a new file gets the usual ones (0666 less
    the umask), as a plain ``open(path, "w")`` would give it. Without ``durable``, the data
    and the rename are not synced to disk: for a cache, whose torn entry is detected and rebuilt.
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()  # replace the file the link points to, not the link
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, payload, durable)
    except OSError as exc:
        raise IpgraphError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target


def _replace(target: Path, payload: bytes, durable: bool = True) -> None:
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _sync_directory(target.parent)


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
