"""The printable rendering of a license (PDF): its face, its metadata, and a QR code of the public
verification page's address, so that whoever holds the paper can check it is what the issuer signed.

reportlab draws the PDF; Chinese text uses its built-in CID font STSong-Light (the reader's own Song face
renders it), so no font file has to be shipped or installed. segno makes the QR matrix, drawn as squares.
"""

import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .choices import HolderCodeType
from .models import License

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _masked_code(license_: License) -> str:
    from tongban.core.masking import mask_id_number

    if license_.holder_code_type == HolderCodeType.ID_NUMBER:
        return mask_id_number(license_.holder_code)
    return license_.holder_code


def license_pdf(license_: License, *, verify_url: str, status_label: str) -> bytes:
    """One A4 page. The holder's ID number is masked: the page may be handed to anyone."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    page.setTitle(f"{license_.license_type.name} {license_.number}")
    page.setAuthor(license_.issuer.name)
    width, height = A4
    left, top = 20 * mm, height - 25 * mm

    page.setFont(FONT, 20)
    page.drawCentredString(width / 2, top, license_.license_type.name)
    page.setFont(FONT, 11)
    page.drawCentredString(width / 2, top - 8 * mm, f"证照编号：{license_.number}")

    until = license_.valid_until.isoformat() if license_.valid_until else "长期"
    rows = [
        ("持证主体", license_.holder_name),
        ("持证主体代码", _masked_code(license_)),
        *[
            (spec["label"], license_.face_data.get(spec["key"], ""))
            for spec in license_.license_type.face_fields
        ],
        ("颁发机构", license_.issuer.name),
        ("颁证日期", license_.issued_on.isoformat()),
        ("有效期", f"{license_.valid_from.isoformat()} 至 {until}"),
        ("证照状态", status_label),
    ]
    y = top - 25 * mm
    for label, value in rows:
        if value in ("", None):
            continue
        page.setFont(FONT, 11)
        page.drawString(left, y, f"{label}：")
        page.drawString(left + 35 * mm, y, str(value)[:60])
        y -= 8 * mm

    size = 40 * mm
    qr = segno.make(verify_url, error="m")
    matrix = [list(row) for row in qr.matrix_iter(border=2)]
    cell = size / len(matrix)
    x0, y0 = width - left - size, 25 * mm
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                page.rect(x0 + c * cell, y0 + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)
    page.setFont(FONT, 8)
    page.drawString(left, 35 * mm, "扫描右侧二维码，或在“圈内通办”平台的电子证照验证页输入以下证照标识验证：")
    page.drawString(left, 30 * mm, license_.identifier)
    page.drawString(left, 25 * mm, f"电子印章指纹（SM3）：{license_.seal.fingerprint[:32]}…")
    page.showPage()
    page.save()
    return out.getvalue()
