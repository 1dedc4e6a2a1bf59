"""PDFs from templates (WeasyPrint), the one way the apps make them.

Nothing is fetched while rendering: the stylesheet is read from the static files and a
fetcher that refuses every URL makes sure no text a user wrote can make the server
fetch one. The PDF is tagged, so that screen readers follow its headings and tables."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders


def _stylesheet(path: str) -> str:
    found = finders.find(path)
    if not found or not isinstance(found, str):
        raise FileNotFoundError(path)
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def html_to_pdf(html: str, *, stylesheet: str) -> bytes:
    """`html` (a rendered template) as PDF bytes, styled by the static file `stylesheet`."""
    # Imported here: loading Pango would slow every process that never makes a PDF.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class RefuseEveryURL(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"A LabPortal PDF fetches nothing: {url}")

    fetcher = RefuseEveryURL()
    document = HTML(string=html, url_fetcher=fetcher)
    css = CSS(string=_stylesheet(stylesheet), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css], pdf_tags=True)
    return pdf
