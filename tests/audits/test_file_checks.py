"""The evidence file checker (audit/audits/file_checks.py) on real and crafted files: each
refusal names its reason (issue 13, item 8). The pages' side is in test_evidence.py."""

from __future__ import annotations

import functools
import io
import zipfile

import pytest

from audit.audits import file_checks
from audit.refusals import Refused
from tests.evidence_files import (
    DOCX,
    DOCX_TYPE,
    JPEG,
    PDF,
    PNG,
    XLSX,
    XLSX_TYPE,
    docx,
    image,
    pdf,
    plain_zip,
    xlsx,
    zip_bomb,
)

LIMITS = file_checks.Limits(max_bytes=20 * 1024 * 1024)
TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": DOCX_TYPE,
    "xlsx": XLSX_TYPE,
}


def check(name: str, content: bytes, limits: file_checks.Limits = LIMITS, kind: str = ""):
    content_type = kind or TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return file_checks.check_upload(name, content_type, io.BytesIO(content), limits)


def reason(*args, **kw) -> str:
    with pytest.raises(Refused) as refused:
        check(*args, **kw)
    return refused.value.key


@functools.cache
def bomb() -> bytes:
    return zip_bomb()  # about 1 MB expanding to 1 GiB


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("plan.pdf", PDF, "pdf"),
        ("photo.png", PNG, "png"),
        ("photo.jpg", JPEG, "jpg"),
        ("photo.JPEG", JPEG, "jpg"),
        ("letter.docx", DOCX, "docx"),
        ("staff.xlsx", XLSX, "xlsx"),
    ],
)
def test_real_files_pass_with_their_kind(name, content, kind):
    checked = check(name, content)
    assert (checked.name, checked.kind, checked.content) == (name, kind, content)


def test_a_workbook_made_by_xlsxwriter_passes():
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet().write(0, 0, "Staff")
    book.close()
    assert check("staff.xlsx", out.getvalue()).kind == "xlsx"


def test_pdf_carrying_html_script_or_actions_is_refused():
    html = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n" + PDF[9:]
    assert reason("poly.pdf", html) == "file_has_markup"
    assert reason("poly.pdf", pdf(b"\n<!DOCTYPE html>")) == "file_has_markup"
    assert reason("poly.pdf", pdf(b"\n<svg onload=x>")) == "file_has_markup"
    for action in [b"/JavaScript", b"/JS (app.alert(1))", b"/Launch", b"/J#61vaScript"]:
        assert reason("act.pdf", pdf(b"\n<< /S " + action + b" >>")) == "file_pdf_active", action
    assert check("ok.pdf", pdf(b"\n<< /S /JSON /Launcher >>")).kind == "pdf"  # other names


def test_a_pdf_header_alone_is_not_a_pdf():
    assert reason("fake.pdf", b"%PDF-1.4\n" + b"x" * 100) == "file_damaged"
    assert reason("html.pdf", b"<html>%PDF-1.4</html>") == "file_not_its_type"


def test_images_must_decode_and_carry_no_markup():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert reason("poly.png", PNG + svg) == "file_has_markup"
    assert reason("poly.jpg", JPEG + b"<html><script>x</script>") == "file_has_markup"
    assert reason("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40) == "file_damaged"
    assert reason("cut.png", PNG[: len(PNG) // 2]) == "file_damaged"
    assert reason("photo.png", JPEG) == "file_not_its_type"
    assert reason("photo.jpg", PNG) == "file_not_its_type"
    assert reason("scan.svg", svg, kind="image/svg+xml") == "file_type"


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded():
    small = file_checks.Limits(max_bytes=LIMITS.max_bytes, max_pixels=1000)
    big = image("PNG", (40, 40))
    assert reason("big.png", big, small) == "image_too_large"
    assert check("big.png", big).kind == "png"


def test_office_files_are_checked_by_their_content_types():
    assert reason("notes.docx", plain_zip()) == "file_not_its_type"
    assert reason("staff.docx", XLSX) == "file_not_its_type"
    assert reason("letter.xlsx", DOCX) == "file_not_its_type"
    macro = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert reason("macro.docx", docx(overrides={"/word/document.xml": macro})) == "file_macros"
    with_vba = docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert reason("macro.docx", with_vba) == "file_macros"
    assert reason("macro.xlsx", xlsx(extra={"xl/vbaProject.bin": b"x"})) == "file_macros"
    assert reason("bad.docx", DOCX[:200]) == "file_damaged"
    assert reason("up.docx", docx(extra={"../../evil.sh": b"x"})) == "file_damaged"
    entity = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", entity)
        archive.writestr("word/document.xml", "<document/>")
    assert reason("dtd.docx", out.getvalue()) == "file_damaged"


def test_a_zip_bomb_named_docx_is_refused_by_its_ratio_and_its_total():
    data = bomb()
    assert len(data) < 2 * 1024 * 1024
    assert reason("bomb.docx", data) == "file_expands"
    # Declared sizes within bounds, and still refused while decompressing: the total counts.
    tight = file_checks.Limits(max_bytes=LIMITS.max_bytes, max_unzipped_bytes=4000)
    assert reason("letter.docx", docx(extra={"word/a.xml": b"<a/>" * 2000}), tight) == (
        "file_expands"
    )


def test_too_many_parts_are_refused():
    many = docx(extra={f"word/p{n}.xml": b"" for n in range(file_checks.MAX_ENTRIES)})
    assert reason("many.docx", many) == "file_too_many_parts"


def test_names_lose_bidi_controls_folders_and_controls():
    assert check("report\u202efdp.pdf", PDF).name == "reportfdp.pdf"
    assert reason("plan\u202egnp.exe", PDF, kind="application/pdf") == "file_type"
    assert check("\u2067plan\u2069\u200f.pdf", PDF).name == "plan.pdf"
    assert check("../../etc/plan.pdf", PDF).name == "plan.pdf"
    assert check("C:\\Users\\a\\plan.pdf", PDF).name == "plan.pdf"
    assert check("pl\x00an\x1b.pdf", PDF).name == "plan.pdf"


def test_a_name_over_255_characters_is_too_long_not_the_wrong_type():
    fits = "é" * 251 + ".pdf"  # 255 characters (510 bytes in UTF-8): characters count
    assert check(fits, PDF).name == fits
    assert reason("a" * 252 + ".pdf", PDF) == "file_name_too_long"
    with pytest.raises(Refused) as refused:
        check("a" * 300 + ".pdf", PDF)
    assert refused.value.params == {"max": 255}


def test_size_and_type_limits_still_hold():
    assert reason("empty.pdf", b"") == "file_empty"
    tiny = file_checks.Limits(max_bytes=len(PDF) - 1)
    assert reason("plan.pdf", PDF, tiny) == "file_too_large"
    assert check("plan.pdf", PDF, file_checks.Limits(max_bytes=len(PDF))).kind == "pdf"
    assert reason("plan.pdf", PDF, kind="image/png") == "file_type"
    assert reason("plan", PDF, kind="application/pdf") == "file_type"
