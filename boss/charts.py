"""Charts of the printed reports (the business report, the complaint statistics): SVG drawn by pygal (no chart
drawing by hand), Chinese labels in the CJK font, embedded in the PDF as images. The business report's screen
and the complaint statistics' screens draw the same data with Apache ECharts (vendored static file,
boss/static/boss/vendor; boss/static/boss/charts.js draws the charts of `chart_specs`)."""

import base64
from decimal import Decimal

FONT = '"Noto Sans CJK SC", "Noto Sans SC", sans-serif'


def _style():
    from pygal.style import Style

    return Style(font_family=FONT, label_font_family=FONT, major_label_font_family=FONT,
                 value_font_family=FONT, title_font_family=FONT, legend_font_family=FONT,
                 tooltip_font_family=FONT, background="white", plot_background="white",
                 colors=("#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7ea4", "#6e7781"))


def _config(chart_cls, title: str, **kw):
    return chart_cls(title=title, style=_style(), js=[], disable_xml_declaration=True, width=720, height=300,
                     show_legend=kw.pop("show_legend", False), print_values=kw.pop("print_values", True),
                     **kw)


def bar_svg(title: str, labels: list[str], values: list, *, horizontal: bool = True) -> str:
    import pygal

    chart = _config(pygal.HorizontalBar if horizontal else pygal.Bar, title)
    chart.x_labels = labels
    chart.add(title, [float(v) if isinstance(v, Decimal) else v for v in values])
    return chart.render(is_unicode=True)


def line_svg(title: str, labels: list[str], values: list) -> str:
    import pygal

    chart = _config(pygal.Line, title, x_label_rotation=30, print_values=False)
    chart.x_labels = labels
    chart.add(title, [float(v) if isinstance(v, Decimal) else v for v in values])
    return chart.render(is_unicode=True)


def pie_svg(title: str, labels: list[str], values: list) -> str:
    import pygal

    chart = _config(pygal.Pie, title, show_legend=True, print_values=False, inner_radius=0.4)
    for label, value in zip(labels, values, strict=True):
        chart.add(label, float(value) if isinstance(value, Decimal) else value)
    return chart.render(is_unicode=True)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def xlsx_sheet(book, title: str, header: list[str], rows: list[list], *, chart_column: int | None = 2,
               charted: int | None = None, anchor: str = "E2", pie: bool = False):
    """A sheet of the workbook with the table and openpyxl's own chart (a bar chart, or a pie) of one column
    (1-based, `chart_column`) against the labels of the first, over the first `charted` rows (all when None;
    leave out total lines). No chart when `chart_column` is None or there is nothing to chart."""
    from openpyxl.chart import BarChart, PieChart, Reference

    sheet = book.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    sheet.column_dimensions["A"].width = 24
    n = len(rows) if charted is None else charted
    if chart_column is not None and n >= 1 and len(header) >= chart_column:
        chart = PieChart() if pie else BarChart()
        chart.title = title
        chart.add_data(Reference(sheet, min_col=chart_column, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=n + 1))
        sheet.add_chart(chart, anchor)
    return sheet
