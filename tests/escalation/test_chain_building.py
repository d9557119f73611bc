"""Building and following a contact chain: it never loses the shop manager's step, never drops a step
silently, and never sends a case back to the post that raised it."""
import pytest

from escalation.models import CaseEvent
from roles.models import Department, Difficulty, Post, Step
from tests.escalation.factories import raise_difficulty

pytestmark = pytest.mark.django_db


def test_a_chain_without_the_shop_manager_still_ends_with_the_manager(team, clock):
    """An admin's edit (here straight in the database, as a broken import would) lost the 店长 step: the case
    still reaches the shop manager instead of going overdue at the last group leader."""
    difficulty = Difficulty.objects.get(name="盘点不清")
    Step.objects.filter(difficulty=difficulty, department__is_manager_office=True).delete()
    case = raise_difficulty(team, "盘点不清")
    manager = Post.objects.get(title="店长")
    assert case.chain[-1]["post"] == manager.pk


def test_a_step_whose_department_has_no_leader_post_is_recorded_and_skipped(team, clock):
    Post.objects.filter(title="客服组组长").update(is_leader=False)
    case = raise_difficulty(team, "盘点不清", reporter=team["product_lead"])
    assert case.current_post.title == "营销策划组组长"
    skipped = case.events.get(kind=CaseEvent.Kind.SKIPPED)
    assert "no leader post" in skipped.note and skipped.step == 0


def test_a_case_is_never_sent_to_the_post_that_raised_it(team, clock):
    """A leader's case whose chain (after an admin's edit) names his own group goes past him."""
    difficulty = Difficulty.objects.get(name="客服忙碌")
    customer_service = Department.objects.get(code="customer-service")
    for step in Step.objects.filter(difficulty=difficulty).order_by("-order"):
        Step.objects.filter(pk=step.pk).update(order=step.order + 1)
    Step.objects.create(difficulty=difficulty, order=1, department=customer_service)
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    assert case.current_post.title == "营销策划组组长"
    skipped = case.events.get(kind=CaseEvent.Kind.SKIPPED)
    assert skipped.to_post.title == "客服组组长" and "where the case was raised" in skipped.note
    assert team["kefu_lead"] not in case.contacts.all()
