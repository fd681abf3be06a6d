"""PDF rendering: templates under templates/pdf/ → HTML → PDF bytes (WeasyPrint), A4, in French,
with the DejaVu fonts every Debian machine has (no font download, no missing glyph for « € »,
« — » or the narrow no-break space of French numbers)."""

from typing import Any

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from portal.templating import TEMPLATES_DIR, environment

# The print stylesheet every PDF starts from; a template adds its own rules in a <style> block.
BASE_CSS = """
@page {
  size: A4;
  margin: 20mm 18mm 22mm 18mm;
  @bottom-left { content: string(doc-title); font-size: 8pt; color: #555; }
  @bottom-right { content: "Page " counter(page) " sur " counter(pages); font-size: 8pt;
                  color: #555; }
}
@page cover { @bottom-left { content: none; } @bottom-right { content: none; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4;
       color: #161616; }
h1, h2, h3 { font-family: "DejaVu Sans", sans-serif; color: #000091; line-height: 1.2;
             break-after: avoid; }
h1 { font-size: 20pt; margin: 0 0 6mm; string-set: doc-title content(); }
h2 { font-size: 14pt; margin: 8mm 0 3mm; border-bottom: 0.6pt solid #000091;
     padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
p { margin: 0 0 2.5mm; orphans: 3; widows: 3; }
a { color: inherit; text-decoration: none; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm; font-size: 8.5pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 1.5mm; caption-side: top; }
th, td { border: 0.5pt solid #929292; padding: 1.2mm 1.8mm; text-align: left;
         vertical-align: top; }
thead th { background: #eeeef8; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.num { text-align: right; }
td.num { white-space: nowrap; }
td.num-wrap { text-align: right; }
.muted { color: #555; }
.small { font-size: 8pt; }
.cover { page: cover; break-after: page; padding-top: 60mm; }
.cover .kicker { font-size: 12pt; color: #555; text-transform: uppercase; letter-spacing: 1pt; }
.cover h1 { font-size: 26pt; }
.cover .org { font-size: 16pt; margin-top: 10mm; }
.section { break-before: page; }
.keep { break-inside: avoid; }
.figures { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0 4mm; }
.figure { border: 0.6pt solid #929292; padding: 2mm 3mm; flex: 1 1 0; min-width: 28mm; }
.figure .value { display: block; font-size: 13pt; font-weight: bold; }
.figure .label { display: block; font-size: 8pt; color: #555; }
.commentary { border-left: 2pt solid #000091; padding: 1mm 0 1mm 4mm; margin: 2mm 0 4mm;
              white-space: pre-wrap; }
.chart { break-inside: avoid; margin: 3mm 0 5mm; }
.chart svg { max-width: 100%; height: auto; }
.badge { font-weight: bold; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 15pt; letter-spacing: 1pt; }
"""

class _NoFetch(URLFetcher):
    """Only inline data: a PDF never reaches the network or the file system, whatever text a
    user typed into it."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",))


def render_template(name: str, context: dict[str, Any]) -> str:
    """The HTML of a template under templates/pdf/ (``name`` relative to it); the environment
    is the pages' own, so a PDF includes the same partials."""
    return environment.get_template(f"pdf/{name}").render({"printed": True, **context})


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document, laid out with the base print stylesheet first."""
    document = HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=_NoFetch())
    return document.write_pdf(stylesheets=[CSS(string=BASE_CSS)], pdf_tags=True)


def render_pdf(name: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_template(name, context))
