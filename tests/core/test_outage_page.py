"""A database we cannot reach answers the 503 page, rendered without the database
(the whole outage, with real processes, is in tests/faults/test_database_restart.py)."""

from django.db import InterfaceError, OperationalError

from labportal.core import views


def answer_to(rf, exc):
    request = rf.get("/ideas/?page=2", HTTP_ACCEPT_LANGUAGE="en")
    try:
        raise exc
    except Exception:  # handler500 runs while the exception is being handled
        return views.server_error(request)


def test_a_lost_database_answers_503_without_a_query(rf, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = answer_to(rf, OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "The service is briefly unavailable" in page
    assert 'href="/ideas/?page=2"' in page
    assert "connection refused" not in page


def test_a_connection_lost_mid_request_is_an_outage_too(rf, db):
    assert answer_to(rf, InterfaceError("connection already closed")).status_code == 503


def test_any_other_error_is_the_plain_500_page(rf, db):
    response = answer_to(rf, ValueError("a bug"))
    assert response.status_code == 500
    assert "briefly unavailable" not in response.content.decode()
