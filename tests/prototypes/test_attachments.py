import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from prototypes.attachments import content_type_for, validate_attachment
from tests.prototypes.factories import PDF_BYTES, PNG_BYTES, pdf_upload

JPG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
ZIP_BYTES = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 32
OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 32
MIB = 1024 * 1024


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refusal(file):
    with pytest.raises(ValidationError) as error:
        validate_attachment(file)
    return error.value


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("underlag.pdf", PDF_BYTES),
        ("skiss.png", PNG_BYTES),
        ("foto.jpg", JPG_BYTES),
        ("foto.jpeg", JPG_BYTES),
        ("beskrivning.docx", ZIP_BYTES),
        ("siffror.xlsx", ZIP_BYTES),
        ("gammal.xls", OLE_BYTES),
        ("gammal.doc", OLE_BYTES),
        ("SKANNAD.PDF", PDF_BYTES),
    ],
)
def test_validate_attachment_accepts_allowed_types_with_matching_content(name, content):
    file = upload(name, content)
    validate_attachment(file)  # does not raise
    # the check reads the head of the file but leaves it to be stored from the start
    assert file.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", EXE_BYTES),
        ("script.js", b"alert(1)"),
        ("arkiv.zip", ZIP_BYTES),
        ("README", b"%PDF-1.4 hidden"),
        ("rapport.pdf.exe", EXE_BYTES),
        ("sida.html", b"<html></html>"),
    ],
)
def test_validate_attachment_refuses_unknown_extensions_naming_the_file(name, content):
    error = refusal(upload(name, content))
    assert error.code == "type"
    assert name in error.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf", EXE_BYTES),
        ("x.pdf", b""),
        ("bild.png", JPG_BYTES),
        ("foto.jpg", PNG_BYTES),
        ("brev.docx", OLE_BYTES),
        ("tabell.xls", ZIP_BYTES),
        ("text.docx", b"Just some plain text pretending to be Word"),
    ],
)
def test_validate_attachment_refuses_content_that_does_not_match_the_name(name, content):
    error = refusal(upload(name, content))
    assert error.code == "content"
    assert name in error.messages[0]


def test_validate_attachment_refuses_a_file_over_the_size_limit(settings):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    error = refusal(pdf_upload("stor-bilaga.pdf", size=MIB + 1))
    assert error.code == "too_large"
    assert "stor-bilaga.pdf" in error.messages[0]
    assert "1.0\xa0MB" in error.messages[0] or "1,0\xa0MB" in error.messages[0]


def test_validate_attachment_accepts_a_file_exactly_at_the_limit(settings):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    validate_attachment(pdf_upload(size=MIB))  # does not raise


def test_validate_attachment_checks_size_before_type(settings):
    # A huge file is refused for its size without reading it, whatever it is called.
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    error = refusal(upload("film.exe", b"0" * (MIB + 1)))
    assert error.code == "too_large"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.pdf", "application/pdf"),
        ("A.PNG", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.xls", "application/vnd.ms-excel"),
        ("a.exe", "application/octet-stream"),
        ("noextension", "application/octet-stream"),
    ],
)
def test_content_type_for_is_derived_from_the_checked_extension(name, content_type):
    assert content_type_for(name) == content_type
