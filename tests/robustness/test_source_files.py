"""Source paths that are not documents: refused with the path, never read without end."""

from __future__ import annotations

import os
import sys

import pytest

from ipgraph.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="devices and FIFOs")


def test_a_link_to_an_endless_device_is_refused(tmp_path, capsys):
    source = tmp_path / "list.txt"
    source.symlink_to("/dev/zero")
    assert main(["build", str(source), "--output", str(tmp_path / "g.ttl")]) == 2
    err = capsys.readouterr().err
    assert f"{source}: not a regular file" in err and "Traceback" not in err


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    source = tmp_path / "list.txt"
    os.mkfifo(source)
    assert main(["build", str(source), "--output", str(tmp_path / "g.ttl")]) == 2
    assert f"{source}: not a regular file" in capsys.readouterr().err
