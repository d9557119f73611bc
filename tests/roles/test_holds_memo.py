"""holds_in while a request is handled: one read of a person's departments, forgotten when who holds what changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roles import selectors
from roles.services import hand_post_over
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

def test_a_request_reads_a_persons_departments_once(team):
    agent = team["kefu_a"]
    with selectors.remembering_holds(), CaptureQueriesContext(connection) as queries:
        answers = [selectors.holds_in(agent, "customer-service"), selectors.holds_in(agent, "customer-service",
                   leader=True), selectors.holds_in(agent, "finance"), selectors.holds_in(agent, "customer-service")]
    assert answers == [True, False, False, True]
    assert len(queries) == 1

def test_the_answers_equal_the_unremembered_ones_for_every_person_and_department(team):
    codes = ["customer-service", "finance", "product", "visual", "marketing", "analysis", "shop", "nope"]
    plain = {(u.pk, c, lead): selectors.holds_in(u, c, leader=lead)
             for u in team.values() for c in codes for lead in (False, True)}
    with selectors.remembering_holds():
        remembered = {(u.pk, c, lead): selectors.holds_in(u, c, leader=lead)
                      for u in team.values() for c in codes for lead in (False, True)}
    assert remembered == plain and any(plain.values())

def test_a_hand_over_in_the_same_request_is_seen(team):
    agent, newcomer = team["kefu_a"], UserFactory()
    assignment = agent.assignments.get(post=team.posts["客服A"])
    with selectors.remembering_holds():
        assert selectors.holds_in(agent, "customer-service") and not selectors.holds_in(newcomer, "customer-service")
        hand_post_over(assignment, to=newcomer, on=timezone.localdate(),
                       by=team["manager"])
        assert selectors.holds_in(newcomer, "customer-service")

def test_outside_a_request_nothing_is_remembered(team):
    agent = team["kefu_a"]
    with CaptureQueriesContext(connection) as queries:
        selectors.holds_in(agent, "customer-service")
        selectors.holds_in(agent, "customer-service")
    assert len(queries) == 2
