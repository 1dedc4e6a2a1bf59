from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Field, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Department
from labportal.core.forms import apply_validation_error
from labportal.core.models import Skill
from labportal.core.pagination import paginate, paginate_window
from prototypes import access, flow, panels, workflow
from prototypes.filters import IdeaFilter
from prototypes.forms import (
    CommentForm,
    EvaluationForm,
    IdeaForm,
    PrototypeRecordForm,
    TransitionForm,
    TriageForm,
)
from prototypes.models import Idea, IdeaComment, IdeaStatus, PrototypeRecord
from prototypes.services.attachments import delete_attachment, record_attachment_download
from prototypes.services.comments import add_comment
from prototypes.services.evaluation import record_evaluation
from prototypes.services.ideas import create_idea, update_idea
from prototypes.services.prototype_record import save_prototype_record
from prototypes.services.status import transition_idea
from prototypes.services.triage import update_triage

# What a row of the inbox shows (and its link and status badge need): the long texts,
# the search vector above all (kilobytes a row), stay in the database.
LIST_FIELDS = (
    "title",
    "status",
    "benefit_size",
    "urgency",
    "submitted_at",
    "department__name",
    "department__organisation__name",
)

COMMENT_COUNT = Coalesce(
    Subquery(
        IdeaComment.objects.filter(idea=OuterRef("pk"))
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    ),
    0,
)


@role_required(*access.IDEA_READER_ROLES)
def idea_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The lab's inbox, and for department staff their department's ideas."""
    queryset = (
        access.visible_ideas(request.user)
        .select_related("department__organisation")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name_sv")))
        .only(*LIST_FIELDS)
    )
    # The filter also sorts, after searching, so that the search rank can order the list.
    filterset = IdeaFilter(request.GET, queryset=queryset, request=request)
    # Without an exact count: a page fetches one row more to know whether there is a
    # next one, and the total is counted only up to a cap ("more than 1,000 ideas").
    page = paginate_window(
        request,
        # Counted for the shown rows only (the database computes the column after the
        # page is chosen): a grouped count over every idea made the inbox slow.
        filterset.qs.annotate(comment_count=COMMENT_COUNT),
        count_queryset=filterset.matching,
    )
    return render(
        request,
        "prototypes/idea_list.html",
        {
            "filter": filterset,
            "page": page,
            "ranked_only_newest": filterset.ranked_only_newest,
            "rank_window": filterset.rank_window,
            "can_create": access.can_create_idea(request.user),
            "is_lab": access.is_lab(request.user),
        },
    )


@role_required(*access.DEPARTMENT_ROLES)
@require_http_methods(["GET", "POST"])
def idea_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_create_idea(request.user):
        raise PermissionDenied
    form = IdeaForm(
        request.POST or None,
        request.FILES or None,
        initial={"contact_person": request.user.full_name},
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            idea = create_idea(
                actor=request.user,
                data=form.cleaned_data,
                files=form.cleaned_data["attachments"],
                submit=submit,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _submitted_message(idea) if submit else _draft_message())
            return redirect(idea)
    return render(request, "prototypes/idea_form.html", {"form": form, "idea": None})


def _submitted_message(idea: Idea) -> str:
    return _(
        "Thank you! “%(title)s” is with the lab now. You get an email when its status "
        "changes or the lab has a question."
    ) % {"title": idea.title}


def _draft_message() -> str:
    return _("The draft is saved. Only you can see it until you submit it.")


def _label_of(field_name: str) -> str:
    return str(cast(Field, Idea._meta.get_field(field_name)).verbose_name)


def _detail_context(
    request: AuthenticatedHttpRequest, idea: Idea, comment_form: CommentForm | None
) -> dict[str, Any]:
    user = request.user
    missing = workflow.missing_to_submit(idea) if idea.is_draft else {}
    return {
        "idea": idea,
        "transitions": workflow.available_transitions(user, idea),
        "can_edit": access.can_edit_content(user, idea),
        "can_triage": access.can_triage(user, idea),
        "can_comment": access.can_comment(user, idea),
        "is_answering": access.is_answering(user, idea),
        "can_evaluate": access.can_evaluate(user, idea),
        "can_keep_record": access.can_keep_prototype_record(user, idea),
        "comment_form": comment_form
        or CommentForm(can_ask=access.can_ask_for_information(user, idea)),
        "missing": missing,
        "missing_labels": [_label_of(name) for name in missing],
        # What other apps show on the idea (the plan: `prototypes.panels`).
        "panels": panels.idea_panels(user, idea),
    }


@role_required(*access.IDEA_READER_ROLES)
def idea_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access.get_idea_page_for_user(request.user, pk)
    return render(request, "prototypes/idea_detail.html", _detail_context(request, idea, None))


@role_required(*access.IDEA_READER_ROLES)
@require_http_methods(["GET", "POST"])
def idea_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access.get_idea_for_user(request.user, pk)
    if not access.can_edit_content(request.user, idea):
        raise PermissionDenied
    form = IdeaForm(request.POST or None, request.FILES or None, instance=idea)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            # The form wrote into `idea`; the service saves onto the locked row.
            idea = update_idea(
                actor=request.user,
                idea=idea,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
                files=form.cleaned_data["attachments"],
                submit=submit,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if submit:
                messages.success(request, _submitted_message(idea))
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect(idea)
    return render(request, "prototypes/idea_form.html", {"form": form, "idea": idea})


@role_required(*access.IDEA_READER_ROLES)
@require_http_methods(["GET", "POST"])
def idea_transition(request: AuthenticatedHttpRequest, pk: int, target: str) -> HttpResponse:
    """Confirm a status change, with a note (required for declining and questions)."""
    idea = access.get_idea_for_user(request.user, pk)
    party = access.party_of(request.user, idea)
    transition = workflow.find_transition(idea.status, target, party)
    if transition is None:
        if target not in IdeaStatus.values:
            raise Http404
        messages.error(request, workflow.cannot_become(idea.status, target))
        return redirect(idea)
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        note_required=transition.note_required,
        note_label=transition.note_label,
    )
    if request.method == "POST" and form.is_valid():
        try:
            transition_idea(
                actor=request.user, idea=idea, target=target, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            if getattr(error, "code", None) in ("stale", "illegal_transition"):
                messages.error(request, " ".join(error.messages))
                return redirect(idea)
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is now “%(status)s”.")
                % {"title": idea.title, "status": idea.get_status_display()},
            )
            return redirect(idea)
    return render(
        request,
        "prototypes/idea_transition.html",
        {"idea": idea, "transition": transition, "form": form},
    )


@role_required(*access.IDEA_READER_ROLES)
@require_POST
def idea_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access.get_idea_for_user(request.user, pk)
    if not access.can_comment(request.user, idea):
        raise PermissionDenied
    form = CommentForm(request.POST, can_ask=access.can_ask_for_information(request.user, idea))
    if form.is_valid():
        try:
            add_comment(
                actor=request.user,
                idea=idea,
                body=form.cleaned_data["body"],
                ask_for_information=form.cleaned_data.get("ask_for_information", False),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(f"{idea.get_absolute_url()}#comments")
    # Show the idea again with the message and its error in place.
    idea = access.get_idea_page_for_user(request.user, pk)
    return render(
        request, "prototypes/idea_detail.html", _detail_context(request, idea, form), status=400
    )


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def idea_triage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access.get_idea_for_user(request.user, pk)
    if not access.can_triage(request.user, idea):
        raise PermissionDenied
    form = TriageForm(request.POST or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            update_triage(
                actor=request.user,
                idea=idea,
                expected_version=form.cleaned_data["version"],
                skills=list(form.cleaned_data["skills"]),
                size_weeks=form.cleaned_data["size_weeks"],
                ready_to_plan=form.cleaned_data["ready_to_plan"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect(idea)
    return render(request, "prototypes/idea_triage.html", {"idea": idea, "form": form})


@role_required(*access.IDEA_READER_ROLES)
def attachment_download(request: AuthenticatedHttpRequest, idea_pk: int, pk: int) -> FileResponse:
    attachment = access.get_attachment_for_user(request.user, idea_pk, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    record_attachment_download(actor=request.user, attachment=attachment)
    # Always a download, never rendered in our origin: an uploaded file cannot run script.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@role_required(*access.IDEA_READER_ROLES)
@require_http_methods(["GET", "POST"])
def attachment_delete(request: AuthenticatedHttpRequest, idea_pk: int, pk: int) -> HttpResponse:
    attachment = access.get_attachment_for_user(request.user, idea_pk, pk)
    idea = attachment.idea
    if not access.can_edit_content(request.user, idea):
        raise PermissionDenied
    if request.method == "POST":
        delete_attachment(actor=request.user, attachment=attachment)
        messages.success(request, _("%(name)s is removed.") % {"name": attachment.original_name})
        return redirect(idea)
    return render(
        request,
        "prototypes/attachment_confirm_delete.html",
        {"idea": idea, "attachment": attachment},
    )


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def prototype_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access.get_idea_for_user(request.user, pk)
    if not access.can_keep_prototype_record(request.user, idea):
        raise PermissionDenied
    record = PrototypeRecord.objects.filter(idea=idea).first() or PrototypeRecord(
        idea=idea, working_title=idea.title
    )
    form = PrototypeRecordForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        save_prototype_record(actor=request.user, record=form.instance)
        messages.success(request, _("The prototype record is saved."))
        return redirect(idea)
    return render(
        request, "prototypes/prototype_form.html", {"idea": idea, "form": form, "record": record}
    )


@role_required(*access.DEPARTMENT_ROLES)
@require_http_methods(["GET", "POST"])
def idea_evaluate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access.get_idea_for_user(request.user, pk)
    if not access.can_evaluate(request.user, idea):
        raise PermissionDenied
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_evaluation(actor=request.user, idea=idea, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Thank you for the evaluation."))
            return redirect(idea)
    return render(request, "prototypes/evaluation_form.html", {"idea": idea, "form": form})


FLOW_PAGE_SIZE = 25  # departments per page of the idea flow


@role_required(*access.LAB_ROLES)
def idea_flow(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which departments send ideas, how fast the lab answers, how many are accepted."""
    departments = Department.objects.visible_to(request.user).filter(is_active=True)
    scope = flow.flow_scope(
        departments, request.user.organisation_id, request.GET.get("organisation", "")
    )
    if scope.organisation_id is not None:
        departments = departments.filter(organisation_id=scope.organisation_id)
    page = paginate(
        request,
        departments.select_related("organisation").order_by("organisation__name", "name", "pk"),
        FLOW_PAGE_SIZE,
    )
    report = flow.idea_flow(
        access.visible_ideas(request.user),
        departments,
        quarters=flow.quarters_back(4),
        shown=list(page.object_list),
    )
    return render(
        request, "prototypes/idea_flow.html", {"report": report, "scope": scope, "page": page}
    )
