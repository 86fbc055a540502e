"""The curl examples of README.md and docs/ work as printed, against `ipgraph serve` itself."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.servers import free_port, required, stop, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_BLOCK = re.compile(r"^```(?:sh|console)\n(.*?)^```", re.S | re.M)
PRINTED = "127.0.0.1:8000"


def curl_examples() -> list[tuple[str, str]]:
    """Each curl command line of a shell block, with the document it is printed in."""
    found = []
    for doc in DOCS:
        for block in SHELL_BLOCK.findall(doc.read_text(encoding="utf-8")):
            found += [(doc.name, line) for line in block.splitlines() if line.startswith("curl ")]
    return found


EXAMPLES = curl_examples()


@pytest.fixture(scope="module")
def port(tmp_path_factory) -> Iterator[int]:
    port = free_port()
    workspace = tmp_path_factory.mktemp("serve")  # no data/ipgraph.ttl here: the bundled graph is served
    process = subprocess.Popen(
        [sys.executable, "-m", "ipgraph.cli", "serve", "--port", str(port)],
        cwd=workspace,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process=process)
        yield port
    finally:
        stop(process)


def test_the_docs_print_curl_examples():
    assert {doc for doc, _ in EXAMPLES} >= {"README.md", "endpoint.md"}


@pytest.mark.slow
@pytest.mark.parametrize(("doc", "line"), EXAMPLES, ids=[f"{d}:{i}" for i, (d, _) in enumerate(EXAMPLES)])
def test_curl_example_works_as_printed(port, tmp_path, doc, line):
    curl = required(shutil.which("curl"), "curl is missing", "curl is not installed")
    (tmp_path / "my-question.rq").write_text("SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n } ORDER BY ?n\n")
    command = line.replace(PRINTED, f"127.0.0.1:{port}").replace("curl ", f"{curl} -sS --fail-with-body ", 1)
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{doc}: {line}\n{done.stderr}{done.stdout}"
    assert done.stdout.strip(), f"{doc}: {line} answered nothing"
    if "dept" in line:
        assert "保护司" in done.stdout
