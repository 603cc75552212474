import shutil
import subprocess

import pytest

from boss.pdf import font_face_css, pdf_response, render_pdf
from conftest import require_os


def test_render_pdf_produces_a_pdf():
    pdf = render_pdf("boss/pdf_probe.html", {"text": "壹佰元整"})
    assert pdf.startswith(b"%PDF-")


@pytest.mark.needs_os
@require_os(binaries=["pdftotext"])
def test_chinese_text_survives_into_the_pdf(tmp_path):
    path = tmp_path / "probe.pdf"
    path.write_bytes(render_pdf("boss/pdf_probe.html", {"text": "营业厅收据 壹佰元整"}))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "收据" in text and "壹佰元整" in text


def test_bundled_font_is_used_when_the_os_has_none(monkeypatch):
    font_face_css.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    try:
        css = font_face_css()
        assert "@font-face" in css and "NotoSansCJK-Regular.ttc" in css
        assert render_pdf("boss/pdf_probe.html", {"text": "收据"}).startswith(b"%PDF-")
    finally:
        font_face_css.cache_clear()


def test_pdf_response_is_never_cached():
    response = pdf_response(b"%PDF-1.7", "收据.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "inline" in response["Content-Disposition"]
