"""Who held a post is never rewritten: a saved assignment's person cannot change, and moving someone off a post is
handing it over (one admin action ends one assignment the day before and starts the other; both people are
told)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roles.models import Assignment, Post
from shopteam.notifications.models import Notification
from tests.admin_forms import form_values
from tests.factories import AssignmentFactory, UserFactory
from tests.roles.test_admin import errors

pytestmark = pytest.mark.django_db

JANUARY = datetime.date(2026, 1, 1)
DECEMBER = datetime.date(2026, 12, 1)


@pytest.fixture
def boss(playbook):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, boss):
    client.force_login(boss)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def post(playbook):
    return Post.objects.get(title="摄影A")


@pytest.fixture
def held(post):
    return AssignmentFactory(user=UserFactory(username="wu", first_name="吴摄影"), post=post, start=JANUARY)


@pytest.fixture
def newcomer():
    return UserFactory(username="li", first_name="李摄影")


def hand_over(admin_client, assignment, **data):
    return admin_client.post(reverse("admin:roles_assignment_hand_over", args=[assignment.pk]), data)


def test_changing_the_person_on_a_saved_assignment_in_the_post_page_changes_nothing(admin_client, post, held,
                                                                                   newcomer):
    url = reverse("admin:roles_post_change", args=[post.pk])
    data = form_values(admin_client.get(url))
    assert data["assignments-0-id"] == str(held.pk)
    response = admin_client.post(url, {**data, "assignments-0-user": str(newcomer.pk)})
    assert response.status_code == 302, errors(response)
    held.refresh_from_db()
    assert held.user.username == "wu" and held.start == JANUARY
    assert not Assignment.objects.filter(user=newcomer).exists()


def test_changing_the_person_on_the_assignment_page_changes_nothing(admin_client, held, newcomer):
    url = reverse("admin:roles_assignment_change", args=[held.pk])
    data = form_values(admin_client.get(url))
    admin_client.post(url, {**data, "user": str(newcomer.pk)})
    held.refresh_from_db()
    assert held.user.username == "wu"


def test_a_saved_assignments_person_is_refused_outside_the_admin_too(held, newcomer):
    held.user = newcomer
    with pytest.raises(ValidationError, match="cannot change"):
        held.full_clean()


def test_handing_a_post_over_ends_one_assignment_and_starts_the_other_and_tells_both(admin_client, boss, post,
                                                                                    held, newcomer):
    page = admin_client.get(reverse("admin:roles_post_change", args=[post.pk])).content.decode()
    assert reverse("admin:roles_assignment_hand_over", args=[held.pk]) in page

    response = hand_over(admin_client, held, to=newcomer.pk, on=DECEMBER.isoformat())

    assert response.status_code == 302 and response["Location"] == reverse("admin:roles_post_change",
                                                                            args=[post.pk])
    held.refresh_from_db()
    assert (held.user.username, held.start, held.end) == ("wu", JANUARY, datetime.date(2026, 11, 30))
    new = Assignment.objects.get(user=newcomer)
    assert (new.post, new.start, new.end) == (post, DECEMBER, None)
    for assignment in (held, new):
        assert assignment.history.latest("history_date").history_user == boss
    told = {n.recipient.username: n for n in Notification.objects.filter(url=post.get_absolute_url())}
    assert set(told) == {"wu", "li"}
    assert "2026-11-30" in told["wu"].body and "李摄影" in told["wu"].body
    assert "2026-12-01" in told["li"].body and "吴摄影" in told["li"].body


def test_the_changelist_action_opens_the_hand_over_form(admin_client, held):
    response = admin_client.post(reverse("admin:roles_assignment_changelist"),
                                 {"action": "hand_over_selected", "_selected_action": [held.pk]})
    assert response["Location"] == reverse("admin:roles_assignment_hand_over", args=[held.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert "吴摄影" in page and 'name="to"' in page and 'name="on"' in page


@pytest.mark.parametrize(("on", "message"), [
    (JANUARY, "hand it over on a later day"),
    (datetime.date(2025, 6, 1), "hand it over on a later day"),
])
def test_a_hand_over_on_or_before_the_first_day_is_refused_and_changes_nothing(admin_client, held, newcomer, on,
                                                                             message):
    response = hand_over(admin_client, held, to=newcomer.pk, on=on.isoformat())
    assert response.status_code == 200 and any(message in text for text in errors(response))
    held.refresh_from_db()
    assert held.end is None and not Assignment.objects.filter(user=newcomer).exists()
    assert not Notification.objects.exists()


def test_a_post_cannot_be_handed_to_whoever_holds_it(admin_client, held):
    response = hand_over(admin_client, held, to=held.user.pk, on=DECEMBER.isoformat())
    assert any("already holds" in text for text in errors(response))
    held.refresh_from_db()
    assert held.end is None


def test_staff_without_rights_cannot_hand_a_post_over(client, held, newcomer):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("admin:roles_assignment_hand_over", args=[held.pk]),
                           {"to": newcomer.pk, "on": DECEMBER.isoformat()})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.end is None
