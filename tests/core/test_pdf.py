"""The shared PDF maker: text in, PDF out, nothing fetched."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from labportal.core.pdf import html_to_pdf

STYLESHEET = "css/summary-pdf.css"


def test_html_becomes_a_tagged_pdf_with_its_text():
    pdf = html_to_pdf("<html lang='sv'><h1>Omgång Vår</h1></html>", stylesheet=STYLESHEET)

    reader = PdfReader(BytesIO(pdf))
    assert "Omgång Vår" in reader.pages[0].extract_text()
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_a_resource_named_in_the_text_is_never_fetched(caplog):
    html = "<html lang='sv'><img src='http://127.0.0.1:9/secret.png' alt=''><p>Texten</p></html>"

    pdf = html_to_pdf(html, stylesheet=STYLESHEET)

    assert "Texten" in PdfReader(BytesIO(pdf)).pages[0].extract_text().replace(" ", "")
    assert any("fetches nothing" in record.getMessage() for record in caplog.records)


def test_a_missing_stylesheet_is_an_error():
    with pytest.raises(FileNotFoundError):
        html_to_pdf("<p>x</p>", stylesheet="css/none.css")
