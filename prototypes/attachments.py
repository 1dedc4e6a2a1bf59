"""What an idea may carry as attachments: PDF, images and office documents,
checked by name and by content on the server, within a size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = (b"%PDF-",)
ZIP = (b"PK\x03\x04",)  # docx, xlsx, pptx and OpenDocument files are zip archives
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # older doc, xls and ppt

# extension → (content type to serve it with, how its content must begin)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", PDF),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP,
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
}

ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in ALLOWED_TYPES)


def max_bytes() -> int:
    return settings.IDEA_ATTACHMENT_MAX_MB * 1024 * 1024


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_type_for(name: str) -> str:
    return ALLOWED_TYPES.get(extension_of(name), ("application/octet-stream", ()))[0]


def validate_attachment(upload: UploadedFile) -> None:
    """Refuse a file that is too large, of a type we do not take, or whose content
    does not match its name (a renamed program is not a PDF)."""
    name = upload.name or ""
    size = upload.size or 0
    if size > max_bytes():
        raise ValidationError(
            _("%(name)s is %(size)s; the largest file you can attach is %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "max": filesizeformat(max_bytes()),
            },
            code="too_large",
        )
    extension = extension_of(name)
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a file type you can attach. Attach PDF, images or office documents.")
            % {"name": name},
            code="type",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(ALLOWED_TYPES[extension][1]):
        raise ValidationError(
            _(
                "%(name)s does not contain what its name says. "
                "Save it again and attach the new file."
            )
            % {"name": name},
            code="content",
        )
