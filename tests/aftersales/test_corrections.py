"""A record is corrected by who made it, their leader or the shop manager; the old value is kept; nothing is deleted."""
import pytest

from aftersales import services
from aftersales.models import Event
from shopteam.errors import ServiceError
from tests.aftersales.factories import complaint, received_order
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_author_corrects_and_the_old_text_is_kept(team):
    made = complaint(team["kefu_a"], wants="要求补发")
    services.correct_record(made, by=team["kefu_a"], changes={"wants": "要求补发两盒"}, reason="记错数量")
    made.refresh_from_db()
    assert made.wants == "要求补发两盒"
    corrected = Event.objects.get(complaint=made, kind="corrected")
    assert corrected.changes == {"wants": ["要求补发", "要求补发两盒"]} and corrected.note == "记错数量"


def test_the_leader_and_the_manager_correct_and_a_colleague_cannot(team):
    colleague = UserFactory()
    AssignmentFactory(user=colleague, post=team.posts["客服A"])
    made = complaint(team["kefu_a"])
    with pytest.raises(ServiceError, match="their leader"):
        services.correct_record(made, by=colleague, changes={"wants": "x"}, reason="r")
    services.correct_record(made, by=team["kefu_lead"], changes={"wants": "组长改"}, reason="r")
    services.correct_record(made, by=team["manager"], changes={"wants": "店长改"}, reason="r")
    assert Event.objects.filter(complaint=made, kind="corrected").count() == 2


def test_a_follow_up_answer_is_corrected_within_its_list(team):
    made = services.record_follow_up(by=team["kefu_a"], order=received_order(8), kind="received",
                                     answer="no_answer")
    with pytest.raises(ServiceError, match="answers offered"):
        services.correct_record(made, by=team["kefu_a"], changes={"answer": "paid"}, reason="r")
    services.correct_record(made, by=team["kefu_a"], changes={"answer": "satisfied"}, reason="回电了")
    made.refresh_from_db()
    assert made.answer == "satisfied"


def test_nothing_changed_or_no_reason_is_refused(team):
    made = complaint(team["kefu_a"], wants="要求补发")
    with pytest.raises(ServiceError, match="Nothing"):
        services.correct_record(made, by=team["kefu_a"], changes={"wants": "要求补发"}, reason="r")
    with pytest.raises(ServiceError, match="why"):
        services.correct_record(made, by=team["kefu_a"], changes={"wants": "y"}, reason=" ")
    with pytest.raises(ServiceError, match="cannot be corrected"):
        services.correct_record(made, by=team["kefu_a"], changes={"status": "closed"}, reason="r")
