"""The desk's forms from the page: a correction kept in the history, bad input shown with nothing changed, and the
wrong group refused."""
import pytest
from django.urls import reverse

from aftersales import services
from aftersales.models import Event, ReturnRequest, Review
from tests.aftersales.factories import complaint, review
from tests.inventory.factories import TaobaoOrderFactory

pytestmark = pytest.mark.django_db


def test_a_correction_from_the_page_keeps_the_old_value(client, team):
    made = complaint(team["kefu_a"], wants="要求补发")
    client.force_login(team["kefu_lead"])
    url = reverse("aftersales:correct", kwargs={"kind": "complaint", "pk": made.pk})
    assert client.post(url, {"field": "wants", "value": "要求补发两盒", "reason": "记错"}).status_code == 302
    page = client.get(made.get_absolute_url()).content.decode()
    assert "<del>要求补发</del>" in page and "要求补发两盒" in page
    assert client.post(reverse("aftersales:correct", kwargs={"kind": "nothing", "pk": made.pk}),
                       {"field": "wants", "value": "x", "reason": "r"}).status_code == 404
    client.force_login(team["product_lead"])
    assert client.post(url, {"field": "wants", "value": "x", "reason": "r"}).status_code == 403
    assert Event.objects.filter(kind="corrected").count() == 1


def test_a_review_date_correction_that_is_not_a_date_is_refused(client, team):
    made = review(team["kefu_a"])
    client.force_login(team["kefu_a"])
    client.post(reverse("aftersales:correct", kwargs={"kind": "review", "pk": made.pk}),
                {"field": "left_on", "value": "昨天", "reason": "r"})
    assert not Event.objects.filter(kind="corrected").exists()


def test_an_empty_contact_and_a_missing_outcome_change_nothing(client, team):
    made = review(team["kefu_a"])
    client.force_login(team["kefu_a"])
    response = client.post(reverse("aftersales:review_contact", kwargs={"pk": made.pk}), {"note": " "}, follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    client.post(reverse("aftersales:review_close", kwargs={"pk": made.pk}), {"outcome": "deleted"})
    made.refresh_from_db()
    assert made.outcome == Review.Outcome.OPEN and not made.events.filter(kind="contact").exists()


def test_a_return_check_with_a_bad_amount_changes_nothing_and_finance_cannot_check(client, team):
    made = services.record_return(by=team["kefu_a"], order_id=TaobaoOrderFactory().order_id, kind="return",
                                  reason="坏了")
    url = reverse("aftersales:return_check", kwargs={"pk": made.pk})
    client.force_login(team["finance_lead"])
    assert client.post(url, {"accept": "yes", "amount": "10", "note": "ok"}).status_code == 403
    client.force_login(team["kefu_a"])
    response = client.post(url, {"accept": "yes", "amount": "十块", "note": "ok"}, follow=True)
    assert list(response.context["messages"])
    made.refresh_from_db()
    assert made.status == ReturnRequest.Status.CHECKING
    client.post(url, {"accept": "yes", "amount": "10.00", "note": "包装完好"})
    made.refresh_from_db()
    assert made.status == ReturnRequest.Status.TO_FINANCE and str(made.amount) == "10.00"
