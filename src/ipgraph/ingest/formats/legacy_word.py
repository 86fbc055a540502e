"""Old Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice, then read as Word.

LibreOffice runs headless and writes into a temporary folder, with a profile of its
own there (so it neither needs nor touches the user's, and runs beside an open
LibreOffice); the file itself is only read. Where
it is not installed, the file is refused with how to install it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from ipgraph.errors import SourceError
from ipgraph.ingest.formats.model import SourceText
from ipgraph.ingest.formats.word import read_docx

MEDIA_TYPES = {".doc": "application/msword", ".wps": "application/vnd.ms-works"}
INSTALL = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; macOS: brew install --cask "
    "libreoffice; or from libreoffice.org), or open the file in Word or WPS and save it as .docx"
)
# A task list converts in seconds; a hung conversion must not hang the build.
TIMEOUT_SECONDS = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: Path, data: bytes, encoding: str | None = None) -> SourceText:
    suffix = path.suffix.lower() if path.suffix.lower() in MEDIA_TYPES else ".doc"
    program = soffice()
    if program is None:
        raise SourceError(
            str(path), f"a {suffix} file needs LibreOffice to be read, and it is not installed: {INSTALL}"
        )
    with tempfile.TemporaryDirectory(prefix="ipgraph-convert-") as tmp:
        converted = _convert(program, path, Path(tmp), str(path))
        return read_docx(path, converted, hashlib.sha256(data).hexdigest(), MEDIA_TYPES[suffix])


def _convert(program: str, original: Path, folder: Path, shown: str) -> bytes:
    command = [
        program,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(folder / "out"),
        str(original.resolve()),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise SourceError(shown, f"LibreOffice did not convert the file within {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise SourceError(shown, f"cannot run LibreOffice ({program}): {exc.strerror or exc}") from None
    result = folder / "out" / f"{original.stem}.docx"
    if done.returncode != 0 or not result.exists():
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = said[-1] if said else f"exit status {done.returncode}"
        raise SourceError(
            shown, f"LibreOffice could not convert the file to .docx (damaged, or not a Word file?): {reason}"
        )
    return result.read_bytes()
