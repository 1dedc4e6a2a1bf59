import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from labportal.core.models import AuditEntry
from labportal.core.services import record_audit
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.core.factories import AuditEntryFactory
from tests.querycount import assert_bounded_queries

# Session, user, MFA check, action names, object types, count, page: no growth with rows.
MAX_QUERIES = 8


def listed(client, **params) -> list[AuditEntry]:
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def actions(client, **params) -> list[str]:
    return [entry.action for entry in listed(client, **params)]


def test_audit_log_is_for_admins_only(personas):
    AuditEntryFactory(action="invitation.created", actor=personas["lab_lead"])
    assert AuditEntry.objects.visible_to(personas["admin"]).count() == 1
    for role in ("lab_lead", "department_staff", "trainee"):
        assert not AuditEntry.objects.visible_to(personas[role]).exists(), role
        response = client_for(personas[role]).get(reverse("core:audit_list"))
        assert response.status_code == 403, role


def test_audit_log_filters_by_who_and_action(admin, lab_lead):
    AuditEntryFactory(action="invitation.created", actor=lab_lead)
    AuditEntryFactory(action="skill.updated", actor=admin)
    client = client_for(admin)

    assert actions(client, action="invitation") == ["invitation.created"]
    assert actions(client, action="skill.updated") == ["skill.updated"]
    assert actions(client, actor=admin.email.upper()[3:]) == ["skill.updated"]


def test_audit_log_offers_the_known_action_names(admin):
    for action in ("user.signed_in", "skill.updated", "user.signed_in", "invitation.created"):
        AuditEntryFactory(action=action)

    response = client_for(admin).get(reverse("core:audit_list"))

    assert response.context["action_names"] == [
        "invitation.created",
        "skill.updated",
        "user.signed_in",
    ]
    html = response.content.decode()
    assert '<datalist id="audit-action-names">' in html
    assert 'list="audit-action-names"' in html
    assert AuditEntry.objects.none().action_names() == []


def test_audit_log_offers_the_object_types_in_the_log(admin):
    AuditEntryFactory(object_type="core.skill")
    AuditEntryFactory(object_type="accounts.login")
    AuditEntryFactory(object_type="core.skill")

    response = client_for(admin).get(reverse("core:audit_list"))

    choices = list(response.context["filter"].form.fields["object_type"].choices)
    assert [value for value, _label in choices] == ["", "accounts.login", "core.skill"]
    assert choices[2][1].endswith("(core.skill)")
    with pytest.raises(ValueError, match="index"):
        AuditEntry.objects.distinct_values("details")


def test_audit_log_filters_by_object_type_and_number(admin, trainee):
    skill_entry = AuditEntryFactory(action="skill.updated", object_type="core.skill", object_id="7")
    AuditEntryFactory(action="skill.updated", object_type="core.skill", object_id="8")
    AuditEntryFactory(action="user.updated", object_type="accounts.user", object_id="7")
    client = client_for(admin)

    assert listed(client, object_type="core.skill", object_id="7") == [skill_entry]
    assert len(listed(client, object_type="core.skill")) == 2
    assert len(listed(client, object_id="7")) == 2


def test_audit_log_shows_entries_about_a_person(admin, lab_lead, trainee):
    # given: entries about the trainee, by the trainee, and about someone else
    viewed = record_audit(lab_lead, "trainee.profile_viewed", trainee)
    signed_in = record_audit(trainee, "user.signed_in", trainee)
    record_audit(trainee, "skill.updated", lab_lead)
    record_audit(trainee, "log.submitted", admin)
    client = client_for(admin)

    # when / then: by number, by email (any case) and by name
    about = [signed_in, viewed]
    assert listed(client, person=str(trainee.pk)) == about
    assert listed(client, person=trainee.email.upper()) == about
    assert listed(client, person="Tim Trainee") == about
    assert listed(client, person="nobody-has-this") == []
    html = client.get(reverse("core:audit_list")).content.decode()
    assert f'href="?person={trainee.pk}"' in html


def test_audit_log_filters_by_a_date_range_in_local_days(admin):
    tz = timezone.get_current_timezone()

    def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(2025, 3, day, hour, minute, tzinfo=tz)

    AuditEntryFactory(action="a.before", created_at=at(9, 23, 59))
    AuditEntryFactory(action="b.first", created_at=at(10, 0, 0))
    AuditEntryFactory(action="c.last", created_at=at(11, 23, 59))
    AuditEntryFactory(action="d.after", created_at=at(12, 0, 0))
    client = client_for(admin)

    assert actions(client, created_after="2025-03-10", created_before="2025-03-11") == [
        "c.last",
        "b.first",
    ]
    assert actions(client, created_after="2025-03-12") == ["d.after"]
    assert actions(client, created_before="2025-03-09") == ["a.before"]


def test_audit_log_pages_newest_first_without_repeats(admin):
    moment = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(action=f"test.{n:03}", object_type="x", object_id=str(n), created_at=moment)
        for n in range(60)
    )
    client = client_for(admin)

    first, second = listed(client), listed(client, page=2)

    assert len(first) == 50
    assert len(second) == 10
    assert len({entry.pk for entry in first + second}) == 60
    assert [entry.pk for entry in first + second] == sorted(
        (entry.pk for entry in first + second), reverse=True
    )


def test_audit_log_shows_a_removed_person_as_such(admin):
    gone = UserFactory(full_name="Gunilla Gone", removed_at=timezone.now())
    record_audit(gone, "user.signed_in", gone)

    html = client_for(admin).get(reverse("core:audit_list")).content.decode()

    assert str(gone) in html
    assert "Gunilla Gone" not in html


def test_audit_log_shows_the_details(admin, trainee):
    record_audit(admin, "user.role_changed", trainee, **{"from": "trainee", "to": "supervisor"})

    html = client_for(admin).get(reverse("core:audit_list")).content.decode()

    assert "from: trainee" in html
    assert "to: supervisor" in html


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"action": "user."},
        {"actor": "person"},
        {"object_type": "accounts.user", "object_id": "1"},
        {"person": "person"},
        {"created_after": "2020-01-01", "created_before": "2099-12-31"},
        {"page": "2"},
    ],
)
def test_audit_log_has_bounded_queries(django_assert_max_num_queries, admin, query):
    people = UserFactory.create_batch(5)

    def grow_to(size):
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=people[n % 5],
                action=f"user.action_{n % 7}",
                object_type="accounts.user",
                object_id=str(people[(n + 1) % 5].pk),
            )
            for n in range(AuditEntry.objects.count(), size)
        )

    client = client_for(admin)
    url = reverse("core:audit_list") + "?" + "&".join(f"{k}={v}" for k, v in query.items())

    assert_bounded_queries(django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES)


def plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        # Tiny test tables are read whole; forbid that to see which index serves the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        text = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return text


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"person": "7"}, "audit_object_time_idx"),
        ({"object_type": "core.skill", "object_id": "7"}, "audit_object_time_idx"),
        ({"created_after": "2025-01-01"}, "core_auditentry_created_at"),
        ({"action": "user.role_"}, "audit_action_prefix_idx"),
    ],
)
def test_audit_log_filters_are_served_by_an_index(rf, admin, params, index):
    from labportal.core.filters import AuditEntryFilter

    request = rf.get("/", params)
    request.user = admin
    queryset = AuditEntry.objects.order_by("-created_at", "-pk")
    filtered = AuditEntryFilter(request.GET, queryset=queryset, request=request).qs[:50]
    sql, sql_params = filtered.query.sql_with_params()

    assert index in plan(sql, list(sql_params))


def test_actor_filter_is_served_by_the_actor_index(admin):
    queryset = AuditEntry.objects.filter(actor=admin).order_by("-created_at", "-pk")[:50]
    sql, params = queryset.query.sql_with_params()

    assert "audit_actor_time_idx" in plan(sql, list(params))
