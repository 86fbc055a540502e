"""Every write is atomic: a failing or interrupted run leaves the previous file intact and nothing else behind."""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ipgraph import files, paths
from ipgraph.cli import main
from ipgraph.errors import IpgraphError
from ipgraph.files import atomic_write

OLD = "the previous file\n"
NEW = "新的内容 " * 10_000


@pytest.fixture
def previous(tmp_path) -> Path:
    target = tmp_path / "out.ttl"
    target.write_text(OLD, encoding="utf-8")
    return target


def _only(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


def test_a_write_failing_midway_leaves_the_previous_file(fail_writes_midway, previous):
    fail_writes_midway(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    with pytest.raises(IpgraphError, match=rf"{re.escape(str(previous))}: cannot write: No space left on device"):
        atomic_write(previous, NEW)
    assert previous.read_text(encoding="utf-8") == OLD
    _only(previous.parent, "out.ttl")


def test_an_interrupted_write_leaves_the_previous_file(fail_writes_midway, previous):
    fail_writes_midway(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        atomic_write(previous, NEW)
    assert previous.read_text(encoding="utf-8") == OLD
    _only(previous.parent, "out.ttl")


def test_a_failing_rename_leaves_the_previous_file(monkeypatch, previous):
    def refuse(src, dst):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(IpgraphError, match="cannot write: Permission denied"):
        atomic_write(previous, NEW)
    assert previous.read_text(encoding="utf-8") == OLD
    _only(previous.parent, "out.ttl")


def test_a_successful_write_replaces_the_file_whole(previous):
    assert atomic_write(previous, NEW) == previous
    assert previous.read_text(encoding="utf-8") == NEW
    _only(previous.parent, "out.ttl")


def test_permissions_are_kept_or_the_usual_ones(tmp_path, previous):
    previous.chmod(0o640)
    atomic_write(previous, NEW)
    assert stat.S_IMODE(previous.stat().st_mode) == 0o640
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = atomic_write(tmp_path / "new" / "file.ttl", NEW)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_writing_through_a_symlink_updates_the_file_it_points_to(tmp_path, previous):
    link = tmp_path / "link.ttl"
    link.symlink_to(previous)
    atomic_write(link, NEW)
    assert link.is_symlink() and previous.read_text(encoding="utf-8") == NEW


def test_a_directory_in_the_way_is_a_clear_error(tmp_path):
    (tmp_path / "out.ttl").mkdir()
    with pytest.raises(IpgraphError, match=r"out\.ttl: cannot write"):
        atomic_write(tmp_path / "out.ttl", NEW)
    _only(tmp_path, "out.ttl")


@pytest.fixture
def workspace(monkeypatch, tmp_path) -> Path:
    monkeypatch.setenv("IPGRAPH_HOME", str(tmp_path))
    assert main(["build"]) == 0
    return paths.default_graph_file()


@pytest.mark.slow
def test_build_on_a_bad_source_writes_nothing(workspace, source_text, tmp_path, capsys):
    before = workspace.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_text(source_text.replace("\n3. ", "\n4. ", 1), encoding="utf-8")
    assert main(["build", str(bad)]) == 2
    assert "task 4 is out of order; expected task 3" in capsys.readouterr().err
    assert workspace.read_bytes() == before
    _only(workspace.parent, "ipgraph.ttl", "ipgraph.ttl.store")  # the store of the graph before


@pytest.mark.slow
@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(errno.EIO, "Input/output error")])
def test_build_failing_while_writing_keeps_the_previous_graph(workspace, fail_writes_midway, failure, capsys):
    before = workspace.read_bytes()
    fail_writes_midway(failure)
    assert main(["build"]) in (2, 130)
    err = capsys.readouterr().err
    assert "interrupted" in err or "cannot write: Input/output error" in err
    assert workspace.read_bytes() == before
    _only(workspace.parent, "ipgraph.ttl", "ipgraph.ttl.store")  # the store of the graph before


@pytest.mark.slow
def test_export_failing_while_writing_keeps_the_previous_file(workspace, fail_writes_midway, tmp_path, capsys):
    out = tmp_path / "graph.nt"
    assert main(["export", "--graph", str(workspace), "-o", str(out)]) == 0
    before = out.read_bytes()
    assert before.count(b"\n") > 1000
    fail_writes_midway(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert main(["export", "--graph", str(workspace), "-o", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == before
    _only(tmp_path, "data", "graph.nt")


WRITES = re.compile(r"\.write_text\(|\.write_bytes\(|\bopen\([^)]*['\"][wax]b?\+?['\"]|destination=|shutil\.copy")


def test_the_package_writes_files_only_through_atomic_write():
    """A static check: any other way of writing a file could leave it half-written."""
    package = Path(files.__file__).parent
    offenders = [
        f"{path.relative_to(package.parent)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "files.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WRITES.search(line)
    ]
    assert offenders == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_during_a_write_leaves_no_temporary_file(workspace, tmp_path, name):
    """The signal arrives while the file is half-written: the command stops, naming it, and cleans up."""
    out = tmp_path / "graph.nt"
    script = f"""
import os, signal, sys, time
from ipgraph import files
from ipgraph.cli import main
real = os.fdopen
class Signalled:
    def __init__(self, handle): self.handle = handle
    def __enter__(self): return self
    def __exit__(self, *exc): self.handle.close()
    def write(self, data):
        self.handle.write(data[: len(data) // 2]); self.handle.flush()
        os.kill(os.getpid(), signal.{name}); time.sleep(10)
    def __getattr__(self, attr): return getattr(self.handle, attr)
files.os.fdopen = lambda fd, mode: Signalled(real(fd, mode))
sys.exit(main(["export", "--graph", {str(workspace)!r}, "-o", {str(out)!r}]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 128 + getattr(signal, name)
    assert f"ipgraph: stopped ({name})" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    _only(tmp_path, "data")
