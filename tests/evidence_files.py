"""Real evidence files, made small in the test (and the crafted bad ones the checker refuses)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOCX_MAIN = DOCX_TYPE + ".main+xml"
_XLSX_MAIN = XLSX_TYPE.replace(".sheet", ".sheet.main+xml")


def pdf(extra: bytes = b"") -> bytes:
    """A real one-page PDF (correct cross-reference table); `extra` goes into its content."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    ]
    stream = b"BT /F1 12 Tf 20 100 Td (Plan) Tj ET" + extra
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def image(kind: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, kind)
    return out.getvalue()


PDF = pdf()
PNG = image("PNG")
JPEG = image("JPEG")


def office(
    main: str,
    main_type: str,
    *,
    extra: dict[str, bytes] | None = None,
    overrides: dict[str, str] | None = None,
) -> bytes:
    """A minimal Office Open XML package: content types, relationships and the main part."""
    types = {f"/{main}": main_type, **(overrides or {})}
    listed = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in types.items())
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{listed}</Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{main}"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main, b'<?xml version="1.0" encoding="UTF-8"?><document/>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx(**kw) -> bytes:
    return office("word/document.xml", _DOCX_MAIN, **kw)


def xlsx(**kw) -> bytes:
    return office("xl/workbook.xml", _XLSX_MAIN, **kw)


DOCX = docx()
XLSX = xlsx()


def zip_bomb(size: int = 1024**3, *, as_kind=docx) -> bytes:
    """A real Office package with one more entry of `size` zero bytes, written streaming (about
    1 MB per GiB compressed, never held in memory)."""
    out = io.BytesIO(as_kind())
    archive = zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9)
    with archive, archive.open("word/media/zeros.bin", "w", force_zip64=True) as entry:
        block = bytes(1024 * 1024)
        for _ in range(size // len(block)):
            entry.write(block)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()
