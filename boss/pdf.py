"""PDF documents with WeasyPrint (architecture decision 8): agreements, receipts, invoices, refund forms,
itemised bills, reports.

Chinese needs a CJK font or WeasyPrint draws nothing useful. The OS font (Debian fonts-noto-cjk, "Noto
Sans CJK SC") is preferred; where it is missing (the embedded default on a bare machine) the PyPI
package noto-cjk-sans-otc supplies the regular weight, loaded by @font-face. Templates extend
`pdf/base.html`, which sets lang="zh-CN" so the collection picks the Simplified Chinese glyphs.
"""

import shutil
import subprocess
from functools import cache

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header


@cache
def font_face_css() -> str:
    """@font-face for the bundled font when the OS has no Noto Sans CJK (checked once per process)."""
    if shutil.which("fc-list"):
        found = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True).stdout
        if "Noto Sans CJK SC" in found:
            return ""
    from noto_cjk_sans_otc import FONT_PATH

    return f'@font-face {{ font-family: "Noto Sans CJK SC"; src: url("file://{FONT_PATH}"); }}'


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template that extends pdf/base.html into PDF bytes."""
    return html_pdf(render_to_string(template_name, pdf_context(context)))


def pdf_context(context: dict) -> dict:
    """The context a pdf/base.html template needs besides its own (the font)."""
    return {**context, "font_face_css": font_face_css()}


def html_pdf(html: str) -> bytes:
    """PDF bytes of a page rendered with `pdf_context` (e.g. inside a transaction rolled back afterwards)."""
    from weasyprint import HTML

    return HTML(string=html, base_url="/").write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """A PDF opened in a new tab (inline) or downloaded; never cached (it holds personal data)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "no-store"
    return response
