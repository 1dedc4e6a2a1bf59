import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prototypes.models import (
    Adoption,
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    Evaluation,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaEvent,
    IdeaStatus,
    PrototypeRecord,
)
from tests.accounts.factories import DepartmentFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name: str = "underlag.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class IdeaFactory(factory.django.DjangoModelFactory):
    """A complete, submitted idea; pass status="draft" for a draft."""

    class Meta:
        model = Idea

    title = factory.Sequence(lambda n: f"Idé {n}")
    department = factory.SubFactory(DepartmentFactory)
    submitted_by = factory.SubFactory(
        UserFactory, role="department_staff", department=factory.SelfAttribute("..department")
    )
    problem = "Ansökningar skrivs av för hand från pappersblanketter."
    affected_users = AffectedUsers.STAFF
    improvement = "Ett digitalt formulär som fyller i verksamhetssystemet."
    benefit_kind = BenefitKind.TIME
    benefit_size = BenefitSize.MEDIUM
    contact_person = factory.LazyAttribute(lambda o: o.submitted_by.full_name)
    status = IdeaStatus.SUBMITTED
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == IdeaStatus.DRAFT else timezone.now()
    )


class IdeaEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdeaEvent

    idea = factory.SubFactory(IdeaFactory)
    actor = factory.SelfAttribute("idea.submitted_by")
    from_status = IdeaStatus.DRAFT
    to_status = IdeaStatus.SUBMITTED


class IdeaCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdeaComment

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SelfAttribute("idea.submitted_by")
    body = factory.Sequence(lambda n: f"Kommentar {n}")


class IdeaAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdeaAttachment

    idea = factory.SubFactory(IdeaFactory)
    file = factory.LazyFunction(pdf_upload)
    original_name = "underlag.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    uploaded_by = factory.SelfAttribute("idea.submitted_by")


class PrototypeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrototypeRecord

    idea = factory.SubFactory(IdeaFactory, status=IdeaStatus.IN_PROGRESS)
    working_title = factory.Sequence(lambda n: f"Prototyp {n}")


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    idea = factory.SubFactory(IdeaFactory, status=IdeaStatus.EVALUATED)
    evaluated_by = factory.SelfAttribute("idea.submitted_by")
    benefit_realised = 4
    adoption = Adoption.TAKE_INTO_USE
