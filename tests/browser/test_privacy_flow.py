"""The personal-data pages in Chromium, as an administrator signed in with two factors:
an access request (refused without a reason, then answered with a ZIP download that
the audit log lists), an erasure on request (the confirmation, then a person who shows
as "removed person" on their idea and signs in no more) and the retention rules run
now. Every page, its error states included, and the audit list filtered pass axe-core
(WCAG 2.0/2.1 A and AA) in Swedish and English without Content-Security-Policy errors;
so does the standalone 503 page, as the real handler renders it.

One world for the module's flow: the pages are visited in Swedish while acting, then
once more in English, read-only (and the forms sent with errors)."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import BrowserContext, Download, Page, expect

from labportal.accounts.models import User
from labportal.core.db_errors import service_unavailable
from labportal.core.models import AuditEntry
from privacy.models import Erasure
from privacy.registry import Category
from prototypes.models import Idea
from prototypes.services.comments import add_comment
from prototypes.services.ideas import create_idea
from tests.accounts.factories import PASSWORD
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import CSPWatch, sign_in, sign_in_with_totp, sv

ACCESS_REASON = "Begäran om registerutdrag inkom 2026-11-20, dnr KS 2026/388."
ERASE_REASON = "Begäran om radering inkom 2026-11-21, dnr KS 2026/412."
IDEA_TITLE = "Digital bokning av föreningslokaler"
COMMENT = "Föreningarna bokar mest kvällar; kan översikten visa dem först?"
MENU_TABS = 40  # more than enough to reach every menu link from the top of the page


@dataclass
class Pages:
    """Opens the live server's pages in one signed-in browser and collects every axe
    violation, labelled with the language and the state of the page."""

    page: Page
    context: BrowserContext
    url: str
    language: str = "sv"
    problems: list[str] = field(default_factory=list)

    def use(self, language: str) -> None:
        """What the language switch leaves behind: the language cookie."""
        self.language = language
        self.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.url}]
        )

    def open(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.url + path)
        assert response is not None and response.status == status, f"{path}: {response}"

    def check(self, what: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        self.page.wait_for_load_state("load")
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(f"[{self.language}] {what}:\n{format_violations(violations)}")


def post_form(page: Page, form_selector: str, status: int) -> None:
    """Send the form by its button, and check the answer's status."""
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.locator(form_selector).locator("button[type=submit]").first.click()
    assert sent.value.status == status


def expect_field_error(page: Page, form_selector: str, name: str, message: str) -> None:
    """The field is marked invalid and describes itself with the error shown next to
    it (in the field's own wrapper); the summary above the form links to it."""
    box = page.locator(form_selector).locator(f"[name={name}]")
    expect(box).to_have_attribute("aria-invalid", "true")
    described = (box.get_attribute("aria-describedby") or "").split()
    wrapper = box.locator("xpath=..")
    errors = [wrapper.locator(f"#{ident}") for ident in described if ident.endswith("error")]
    assert errors, f"{name}: aria-describedby={described} names no error"
    expect(errors[0]).to_be_visible()
    expect(errors[0]).to_contain_text(message)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator(f"a[href='#{box.get_attribute('id')}']")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_an_admin_answers_an_access_request_erases_a_person_and_runs_the_rules(
    live_server, page, context, new_context, csp: CSPWatch, admin, trainee, department_staff
):
    # given: a trainee who will ask for their data; a department's staff member who
    # wrote an idea and a comment, and will ask to be erased
    idea = create_idea(
        actor=department_staff,
        data={
            "title": IDEA_TITLE,
            "problem": "Föreningar ringer och frågar vilka lokaler som är lediga.",
            "affected_users": "both",
            "improvement": "En översikt på webben med lediga tider.",
            "benefit_kind": "time",
            "benefit_size": "2_medium",
        },
        submit=True,
    )
    add_comment(actor=department_staff, idea=idea, body=COMMENT)
    staff_email = department_staff.email
    url = live_server.url
    pages = Pages(page, context, url)
    home = reverse("privacy:home")
    access = reverse("privacy:access_request")
    erase = reverse("privacy:erase")
    retention = reverse("privacy:retention")
    audit_list = reverse("core:audit_list")
    answer_form = f"main form[method=post][action='{access}']"
    erase_form = f"main form[method=post][action='{erase}']"
    downloads: list[Download] = []
    page.on("download", lambda download: downloads.append(download))

    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, admin)
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    # when: the admin reaches Personal data in the menu with the keyboard alone
    menu_link = page.locator(f"nav a[href='{home}']")
    expect(menu_link).to_have_text(sv("Personal data"))
    for _ in range(MENU_TABS):
        page.keyboard.press("Tab")
        if menu_link.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the Personal data link is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url + home)
    pages.check("home")

    # Access request ---------------------------------------------------------------
    page.locator(f"main a[href='{access}']").click()
    expect(page).to_have_url(url + access)
    pages.check("access request")
    finder = page.locator("main form[method=get]")
    finder.locator("input[name=email]").fill(trainee.email)
    finder.locator("button[type=submit]").click()
    expect(page.locator("#answer-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text(trainee.full_name)
    pages.check("access request, the person found")

    # ... sent without a reason: the page again, the error at the field, no download
    post_form(page, answer_form, 400)
    expect_field_error(
        page, answer_form, "reason", sv("Give the reason: when the request came and its case.")
    )
    pages.check("access request, without a reason")
    assert not downloads
    assert not AuditEntry.objects.filter(action="privacy.access_request").exists()

    # ... with the reason: the answer arrives as a ZIP
    page.locator(answer_form).locator("textarea[name=reason]").fill(ACCESS_REASON)
    with page.expect_download() as arrived:
        page.locator(answer_form).locator("button[type=submit]").click()
    download = arrived.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        assert "personal-data.pdf" in names
        assert archive.read("personal-data.pdf").startswith(b"%PDF")
        json_names = [name for name in names if name.endswith(".json")]
        assert "accounts.user.json" in json_names
        account = json.loads(archive.read("accounts.user.json"))
    assert trainee.email in json.dumps(account)
    entry = AuditEntry.objects.get(action="privacy.access_request")
    assert (entry.actor, entry.details["reason"]) == (admin, ACCESS_REASON)

    # then: the audit log, filtered by the action, lists the answer
    page.goto(url + audit_list)
    search = page.locator("main form[role=search]")
    search.locator("input[name=action]").fill("privacy.access_request")
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"action=privacy\.access_request"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("privacy.access_request")
    pages.check("audit log, filtered by action")

    # Retention ----------------------------------------------------------------------
    pages.open(home)
    page.locator(f"main a[href='{retention}']").click()
    expect(page).to_have_url(url + retention)
    rules = page.locator("main table").first
    for category in Category:
        expect(rules).to_contain_text(sv(category.label))
    pages.check("retention")
    run_now = page.locator(f"main form[action='{reverse('privacy:retention_run')}']")
    expect(run_now.locator("button[type=submit]")).to_have_text(sv("Run now"))
    run_now.locator("button[type=submit]").click()
    expect(page).to_have_url(url + retention)
    expect(page.locator("main [role=status] .alert-success")).to_contain_text(
        sv("The retention rules are being applied. The run appears below when it is done.")
    )
    assert AuditEntry.objects.filter(action="privacy.retention_run_requested", actor=admin).exists()
    pages.check("retention, a run requested")

    # Erasure ----------------------------------------------------------------------
    pages.open(home)
    page.locator(f"main a[href='{erase}']").click()
    expect(page).to_have_url(url + erase)
    pages.check("erase")
    page.locator(erase_form).locator("input[name=email]").fill(staff_email)
    post_form(page, erase_form, 400)
    expect_field_error(
        page, erase_form, "reason", sv("Give the reason for the erasure: the request and its case.")
    )
    pages.check("erase, without a reason")

    page.locator(erase_form).locator("textarea[name=reason]").fill(ERASE_REASON)
    post_form(page, erase_form, 200)
    expect(page.locator("main h1")).to_have_text(sv("Confirm the erasure"))
    plan = page.locator("main table")
    expect(page.locator("main dl")).to_contain_text(department_staff.full_name)
    expect(plan.locator("tbody tr")).to_have_count(len(Category))
    for category in (Category.ACCOUNT, Category.CONTRIBUTION, Category.SECURITY):
        expect(plan).to_contain_text(sv(Category(category).label))
    expect(plan).to_contain_text(sv("Kept"))
    expect(plan).to_contain_text(sv("Anonymised"))
    pages.check("erase, confirmation")
    assert User.objects.get(pk=department_staff.pk).removed_at is None  # nothing yet

    page.locator(erase_form).locator("button[type=submit]").click()
    erasure = Erasure.objects.get()
    expect(page).to_have_url(url + reverse("privacy:erase_done", args=[erasure.pk]))
    expect(page.locator("main h1")).to_have_text(sv("Erasure done"))
    expect(page.locator("main")).to_contain_text(ERASE_REASON)
    pages.check("erase, done")

    # then: the idea and the comment stay, written by "removed person"
    page.goto(url + idea.get_absolute_url())
    expect(page.locator("main h1")).to_have_text(IDEA_TITLE)
    comments = page.locator("#comments")
    expect(comments).to_contain_text(COMMENT)
    expect(comments).to_contain_text(sv("removed person"))
    expect(page.locator("main")).not_to_contain_text(department_staff.full_name)
    assert Idea.objects.get(pk=idea.pk).submitted_by_id == department_staff.pk

    # ... and the person signs in no more
    person_page = csp.watch(new_context()).new_page()
    person_page.goto(url + reverse("account_login"))
    sign_in(person_page, staff_email, PASSWORD)
    expect(person_page.locator("main .alert-danger")).to_be_visible()
    expect(person_page).to_have_url(re.compile(re.escape(reverse("account_login"))))
    person_page.goto(url + reverse("core:home"))
    expect(person_page).to_have_url(re.compile(re.escape(reverse("account_login"))))

    # The same pages in English ------------------------------------------------------
    pages.use("en")
    for what, path in (
        ("home", home),
        ("access request", access),
        ("access request, the person found", f"{access}?email={trainee.email}"),
        ("retention", retention),
        ("erase", erase),
        ("erase, done", reverse("privacy:erase_done", args=[erasure.pk])),
        ("audit log, filtered by action", f"{audit_list}?action=privacy."),
    ):
        pages.open(path)
        pages.check(what)
    expect(page.locator("main table tbody tr")).to_have_count(3)  # request, run, erasure

    pages.open(f"{access}?email={trainee.email}")
    post_form(page, answer_form, 400)
    expect_field_error(
        page, answer_form, "reason", "Give the reason: when the request came and its case."
    )
    pages.check("access request, without a reason")

    pages.open(erase)
    post_form(page, erase_form, 400)
    expect(page.locator("#error-summary")).to_be_visible()
    pages.check("erase, empty")
    page.locator(erase_form).locator("input[name=email]").fill(trainee.email)
    page.locator(erase_form).locator("textarea[name=reason]").fill(ERASE_REASON)
    post_form(page, erase_form, 200)
    expect(page.locator("main h1")).to_have_text("Confirm the erasure")
    pages.check("erase, confirmation")

    page.goto(url + idea.get_absolute_url())
    expect(page.locator("#comments")).to_contain_text("removed person")

    assert len(downloads) == 1, "only the answer with its reason was downloaded"
    assert Erasure.objects.count() == 1  # the English confirmation erased nobody
    pages.problems.extend(f"CSP: {violation}" for violation in csp.violations)
    csp.violations.clear()  # reported here, with the axe findings
    assert not pages.problems, f"{len(pages.problems)} problem(s):\n" + "\n\n".join(pages.problems)


def test_the_503_page_of_the_real_handler_passes_axe(live_server, page, csp: CSPWatch):
    """templates/503.html as `service_unavailable` answers it (no database is needed to
    render it): loaded over a page of the live server, so its stylesheets load."""
    problems: list[str] = []
    request = RequestFactory().get(reverse("privacy:home"))
    for language in ("sv", "en"):
        with translation.override(language):
            response = service_unavailable(request, OperationalError("the server is gone"))
        assert response.status_code == 503
        # A static file of the live server: relative addresses then resolve there.
        page.goto(live_server.url + settings.STATIC_URL + "css/labportal.css")
        page.set_content(response.content.decode())
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator(f"main a[href='{reverse('privacy:home')}']")).to_be_visible()
        styled = "[...document.styleSheets].filter(sheet => sheet.cssRules.length).length"
        assert page.evaluate(styled) == 2  # Bootstrap and the site's own
        violations = axe_violations(page)
        if violations:
            problems.append(f"[{language}] 503:\n{format_violations(violations)}")
    assert not problems, "\n\n".join(problems)
