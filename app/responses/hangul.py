"""Hangul word-processor files: the text of an HWPX (a ZIP of XML) read within bounds; legacy HWP told apart.

An HWPX file keeps its text in Contents/section0.xml, section1.xml, ... as <hp:t> runs inside <hp:p>
paragraphs. It is read with bounded entries and sizes (zip bombs) and parsed by defusedxml with no
DTD at all (no entities, nothing fetched). A legacy .hwp is an OLE compound file: kept, not read.
"""

import io
import logging
import re
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

log = logging.getLogger(__name__)

HWPX_TYPE = "application/hwp+zip"
HWP_TYPE = "application/x-hwp"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: More entries than this, or more uncompressed section bytes, and the file is not read.
MAX_ENTRIES = 1000
MAX_XML_BYTES = 20 * 1024 * 1024
#: The text kept for the preview, in characters.
TEXT_MAX = 200_000
_SECTION = re.compile(r"^Contents/section(\d+)\.xml$")
_BREAKS = {"lineBreak": "\n", "tab": "\t"}
#: What a broken or hostile file may raise while it is unpacked or parsed (NotImplementedError: an
#: unknown compression method).
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    DefusedXmlException,
    SyntaxError,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
    NotImplementedError,
)


class UnreadableHangul(Exception):
    """An HWPX file that is malformed, too large when unpacked, or holds a DTD."""


def hangul_kind(data, filename="", content_type=""):
    """ "hwpx", "hwp" or None: an HWPX by its ZIP mimetype entry, an HWP by OLE magic and its name or type."""
    if data.startswith(ZIP_MAGIC) and _zip_mimetype(data) == HWPX_TYPE:
        return "hwpx"
    named = (filename or "").lower().endswith(".hwp") or "hwp" in (content_type or "").lower()
    if data.startswith(OLE_MAGIC) and named:
        return "hwp"
    return None


def _zip_mimetype(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            if info.file_size > 100:
                return None
            with archive.open(info) as entry:
                return entry.read(101).decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, NotImplementedError):
        return None


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _walk(element, out):
    name = _local(element.tag)
    if name == "t":
        out.append(element.text or "")
        for child in element:
            out.append(_BREAKS.get(_local(child.tag), ""))
            out.append(child.tail or "")
        return
    for child in element:
        _walk(child, out)
    if name == "p":
        out.append("\n")


def _sections(archive):
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnreadableHangul(f"{len(infos)} entries")
    found = [(int(m.group(1)), info) for info in infos if (m := _SECTION.match(info.filename))]
    return [info for _number, info in sorted(found, key=lambda pair: pair[0])]


def _read_bounded(archive, info, budget):
    if info.file_size > budget:
        raise UnreadableHangul(f"{info.filename}: {info.file_size} bytes unpacked")
    with archive.open(info) as entry:
        content = entry.read(budget + 1)  # the declared size may lie: never read past the budget
    if len(content) > budget:
        raise UnreadableHangul(f"{info.filename}: more than {budget} bytes unpacked")
    return content


def hwpx_text(data):
    """The text of an HWPX file, paragraph by paragraph; UnreadableHangul when it cannot be read safely."""
    budget, out = MAX_XML_BYTES, []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in _sections(archive):
                content = _read_bounded(archive, info, budget)
                budget -= len(content)
                _walk(fromstring(content, forbid_dtd=True), out)
    except UnreadableHangul:
        raise
    except _BROKEN as error:
        raise UnreadableHangul(str(error)[:200]) from error
    text = re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()
    return text[:TEXT_MAX]


def extracted_text(data, content_type):
    """The text kept on an attachment row: an HWPX file's, else empty (a file that cannot be read too)."""
    if content_type != HWPX_TYPE:
        return ""
    try:
        return hwpx_text(data)
    except UnreadableHangul as error:
        log.info("HWPX text not read: %s", error)
        return ""
