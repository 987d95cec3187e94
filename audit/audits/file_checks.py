"""What an uploaded evidence file really is, checked from its name, the type the browser sent
and its whole content (pure: plain bytes in, a kind out, or a :class:`Refused` with the reason).

The rules, in the order they are applied:

- **The name** loses bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F,
  U+061C), control characters and every folder before a path separator (``/`` or ``\\``), so a
  file shown as ``report‮fdp.exe`` or ``../../x.pdf`` cannot pass as what it is not. A clean
  name longer than 255 characters is refused as too long (characters, not bytes: the file is
  stored under a random name, so only the database column, 255 characters, bounds it).
- **The extension** chooses the kind (PDF, PNG, JPEG, DOCX, XLSX) and the browser's content type
  must be that kind's. The file must not be empty nor over the size limit.
- **The content** must be detected as that kind by `filetype`, then hold up structurally:
  - a PDF starts with ``%PDF-``, ends with ``%%EOF`` in its last kilobyte, carries no web page
    markup (``<html``, ``<script``, ``<svg``, ``<!doctype``, ``<iframe``, ``<body``) anywhere
    — in a real PDF such text only sits inside compressed streams, where it cannot be read as
    markup — and no ``/JavaScript``, ``/JS`` or ``/Launch`` names (also ``#xx``-escaped): a
    piece of evidence has no reason to run anything when opened. Names hidden in compressed
    object streams are not seen: that would need a PDF parser;
  - a PNG or JPEG decodes fully with Pillow (verify, then load), has at most ``max_pixels``
    pixels (checked before decoding, against decompression bombs) and carries no markup;
  - a DOCX or XLSX is a sound zip: at most ``MAX_ENTRIES`` entries, no entry name that is
    absolute or climbs out (``..``), a total uncompressed size within ``max_unzipped_bytes``,
    no entry over 1 MB that expands more than ``MAX_RATIO`` times, every entry decompressing to
    its declared size and checksum; its ``[Content_Types].xml`` (read with defusedxml, no DTD)
    names the main part of that kind (a spreadsheet renamed ``.docx`` is refused), and nothing
    in it is macro-enabled (``vbaProject``, ``macroEnabled`` types).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import IO

import filetype
from defusedxml import DefusedXmlException, ElementTree
from PIL import Image

from audit.refusals import Refused

#: extension: (the kind, the content types browsers send for it).
ALLOWED_UPLOADS: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("pdf", frozenset({"application/pdf"})),
    "png": ("png", frozenset({"image/png"})),
    "jpg": ("jpg", frozenset({"image/jpeg"})),
    "jpeg": ("jpg", frozenset({"image/jpeg"})),
    "docx": (
        "docx",
        frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    ),
    "xlsx": (
        "xlsx",
        frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    ),
}

#: How each kind is named to people.
KIND_NAMES = {"pdf": "PDF", "png": "PNG", "jpg": "JPEG", "docx": "DOCX", "xlsx": "XLSX"}

#: The longest file name kept, in characters (Evidence.filename is String(255)).
MAX_NAME_CHARS = 255
#: The most entries an Office file may hold, and how far one large entry may expand.
MAX_ENTRIES = 5000
MAX_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024

#: The content type of each Office kind's main part.
_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

_NAME_JUNK = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\x00-\x1f\x7f-\x9f\ud800-\udfff]"
)
_MARKUP = re.compile(rb"<(?:html|script|svg|!doctype|iframe|body)[\s>/]", re.IGNORECASE)
_PDF_ACTIVE = {b"JavaScript", b"JS", b"Launch"}
_PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Limits:
    """The bounds an upload is checked against (from the EVIDENCE_* settings)."""

    max_bytes: int
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_pixels: int = 50_000_000


@dataclass(frozen=True)
class Checked:
    """A file that passed: its clean name, its kind and its content."""

    name: str
    kind: str
    content: bytes


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}"


def clean_name(filename: str) -> str:
    """The name without bidi or control characters, folders or surrounding spaces."""
    name = _NAME_JUNK.sub("", unicodedata.normalize("NFC", filename or ""))
    return re.split(r"[/\\]", name)[-1].strip()


def check_upload(filename: str, content_type: str, stream: IO[bytes], limits: Limits) -> Checked:
    """Read and check one upload; refused (with the reason) unless it is what it says."""
    name = clean_name(filename)
    if len(name) > MAX_NAME_CHARS:
        raise Refused("file_name_too_long", max=MAX_NAME_CHARS)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_UPLOADS:
        raise Refused("file_type")
    kind, types = ALLOWED_UPLOADS[extension]
    if content_type not in types:
        raise Refused("file_type")
    content = stream.read(limits.max_bytes + 1)
    if not content:
        raise Refused("file_empty")
    if len(content) > limits.max_bytes:
        raise Refused("file_too_large", max_mb=_mb(limits.max_bytes))
    check_content(kind, content, limits, extension=extension)
    return Checked(name, kind, content)


def check_content(kind: str, content: bytes, limits: Limits, extension: str = "") -> None:
    """Refuse content that is not a sound file of `kind`."""
    guessed = filetype.guess_extension(content)
    office = kind in _MAIN_PARTS
    if guessed != kind and not (office and guessed in {"zip", "docx", "xlsx", "pptx"}):
        raise _not_its_type(kind, extension)
    if kind == "pdf":
        _check_pdf(content)
    elif office:
        _check_office(kind, content, limits, extension)
    else:
        _check_image(kind, content, limits)


def _not_its_type(kind: str, extension: str) -> Refused:
    return Refused("file_not_its_type", extension=extension or kind, kind=KIND_NAMES[kind])


# --- PDF ----------------------------------------------------------------------------------


def _check_pdf(content: bytes) -> None:
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        raise Refused("file_damaged")
    if _MARKUP.search(content):
        raise Refused("file_has_markup")
    for match in _PDF_NAME.finditer(content):
        name = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in _PDF_ACTIVE:
            raise Refused("file_pdf_active")


# --- images ---------------------------------------------------------------------------------


def _check_image(kind: str, content: bytes, limits: Limits) -> None:
    if _MARKUP.search(content):
        raise Refused("file_has_markup")
    expected = {"png": "PNG", "jpg": "JPEG"}[kind]
    try:
        with Image.open(BytesIO(content)) as image:
            if image.format != expected:
                raise _not_its_type(kind, "")
            if image.width * image.height > limits.max_pixels:
                raise Refused("image_too_large", max_mp=f"{limits.max_pixels / 1e6:.3g}")
            image.verify()
        with Image.open(BytesIO(content)) as image:
            image.load()
    except Refused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Refused("file_damaged") from None


# --- Office files ---------------------------------------------------------------------------


def _check_office(kind: str, content: bytes, limits: Limits, extension: str) -> None:
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            entries = archive.infolist()
            _check_entries(entries, limits)
            types = _content_types(archive)
            _check_all_decompress(archive, entries, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise Refused("file_damaged") from None
    names = {info.filename.lower() for info in entries}
    if any(n.endswith("vbaproject.bin") for n in names) or any(
        "macroenabled" in t.lower() or "vbaproject" in t.lower() for t in types.values()
    ):
        raise Refused("file_macros")
    mains = [part for part, value in types.items() if value == _MAIN_PARTS[kind]]
    if not mains or mains[0].lstrip("/").lower() not in names:
        raise _not_its_type(kind, extension)


def _check_entries(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > MAX_ENTRIES:
        raise Refused("file_too_many_parts", max=MAX_ENTRIES)
    total = 0
    for info in entries:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise Refused("file_damaged")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise Refused("file_expands", ratio=MAX_RATIO, max_mb=_mb(limits.max_unzipped_bytes))
    if total > limits.max_unzipped_bytes:
        raise Refused("file_expands", ratio=MAX_RATIO, max_mb=_mb(limits.max_unzipped_bytes))


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name (or default extension, as ``*.ext``) → content type."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return {}  # a zip, but not an Office file
    if info.file_size > _CONTENT_TYPES_MAX_BYTES:
        raise zipfile.BadZipFile
    try:  # defusedxml: no DTD, no entities, so nothing expands
        root = ElementTree.fromstring(archive.read(info), forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException):
        raise zipfile.BadZipFile from None
    types = {f"*.{e.get('Extension', '')}": e.get("ContentType", "") for e in root}
    types = {k: v for k, v in types.items() if k != "*."}
    for element in root.iter(f"{_CT_NS}Override"):
        types[element.get("PartName", "")] = element.get("ContentType", "")
    return types


def _check_all_decompress(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], limits: Limits
) -> None:
    """Every entry really decompresses (bounded: zipfile stops at each declared size and
    checks its CRC), so a lying header cannot hide a bomb or a broken part."""
    produced = 0
    for info in entries:
        with archive.open(info) as part:
            while chunk := part.read(64 * 1024):
                produced += len(chunk)
                if produced > limits.max_unzipped_bytes:
                    raise Refused(
                        "file_expands", ratio=MAX_RATIO, max_mb=_mb(limits.max_unzipped_bytes)
                    )
