"""The smallest PDF helper the statistics need: an HTML template rendered by WeasyPrint with the CJK
font (architecture decision 8). The lead moves a shared one to the kernel later."""

from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint costs time every screen does not need

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
