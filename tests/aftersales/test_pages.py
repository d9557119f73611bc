"""Every desk page: anonymous → sign in, the wrong group → 403, customer service and the shop manager → 200; finance
reads the returns handed to it; buyers' phones masked except to customer service and the shop manager; bad input
shown on the page with nothing changed; query counts flat."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales import services
from aftersales.models import Complaint, FollowUp
from tests.aftersales.factories import complaint, received_order, review, unpaid_order
from tests.inventory.factories import TaobaoOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(team):
    agent = team["kefu_a"]
    made = complaint(agent)
    handed = services.record_return(by=agent, order_id=TaobaoOrderFactory().order_id, kind="return", reason="坏了")
    services.check_return(handed, by=agent, accept=True, amount=Decimal("10.00"), note="ok")
    checking = services.record_return(by=agent, order_id=TaobaoOrderFactory().order_id, kind="return", reason="x")
    return {"complaint": made, "review": review(agent), "handed": handed, "checking": checking}


def desk_pages(records):
    return [reverse("aftersales:desk"), reverse("aftersales:complaints"), reverse("aftersales:complaint_create"),
            records["complaint"].get_absolute_url(), reverse("aftersales:reviews"),
            reverse("aftersales:review_create"), records["review"].get_absolute_url(),
            reverse("aftersales:follow_ups"), reverse("aftersales:follow_ups") + "?list=unpaid",
            reverse("aftersales:return_create"), records["checking"].get_absolute_url(),
            reverse("aftersales:buyer") + f"?q={records['complaint'].order.order_id}"]


def test_the_desk_is_customer_services_and_the_managers(client, team, records):
    for url in desk_pages(records):
        client.logout()
        assert "/login/" in client.get(url)["Location"], url
        for username, status in (("product_lead", 403), ("finance_lead", 403), ("kefu_a", 200), ("kefu_lead", 200),
                                 ("manager", 200)):
            client.force_login(team[username])
            assert client.get(url).status_code == status, (url, username)


def test_finance_reads_the_returns_handed_to_it(client, team, records):
    client.force_login(team["finance_lead"])
    page = client.get(reverse("aftersales:returns")).content.decode()
    assert f'data-return="{records["handed"].pk}"' in page and f'data-return="{records["checking"].pk}"' not in page
    assert client.get(records["handed"].get_absolute_url()).status_code == 200
    assert client.get(records["checking"].get_absolute_url()).status_code == 403
    client.force_login(team["product_lead"])
    assert client.get(reverse("aftersales:returns")).status_code == 403


def test_actions_are_refused_to_the_wrong_group(client, team, records):
    client.force_login(team["product_lead"])
    url = reverse("aftersales:complaint_act", kwargs={"pk": records["complaint"].pk})
    assert client.post(url, {"done": "x", "close": "1"}).status_code == 403
    order = received_order(8)
    assert client.post(reverse("aftersales:follow_up_record", kwargs={"pk": order.pk}),
                       {"kind": "received", "answer": "satisfied"}).status_code == 403
    assert not FollowUp.objects.exists()
    records["complaint"].refresh_from_db()
    assert records["complaint"].status == Complaint.Status.OPEN


def test_the_buyers_page_masks_contact_details_except_for_customer_service(client, team):
    order = TaobaoOrderFactory(receiver_phone="13812345678", buyer_nick="小红")
    url = reverse("aftersales:buyer") + "?q=小红"
    client.force_login(team["kefu_a"])
    assert "13812345678" in client.get(url).content.decode()
    # The buyer's page is the desk's; masking is what other readers of the same order would get.
    from aftersales.views.desk import contact

    assert contact(order, False)[1] == "138****5678"
    page = client.get(reverse("aftersales:buyer") + f"?q={order.order_id}").content.decode()
    assert "小红" in page and order.order_id in page


def test_an_order_never_imported_is_shown_on_the_form_and_nothing_is_made(client, team):
    client.force_login(team["kefu_a"])
    response = client.post(reverse("aftersales:complaint_create"), {"order_id": "3123", "wants": "退款", "key": "a"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "3123" in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_agent_works_a_follow_up_from_the_page(client, team):
    order = received_order(8)
    client.force_login(team["kefu_a"])
    response = client.post(reverse("aftersales:follow_up_record", kwargs={"pk": order.pk}),
                           {"kind": "received", "answer": "satisfied", "note": "好"})
    assert response.status_code == 302
    assert FollowUp.objects.get().by == team["kefu_a"]


def queries_for(client, url):
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["desk", "complaints", "reviews", "follow_ups", "unpaid", "returns", "buyer"])
def test_every_list_makes_the_same_queries_at_two_sizes(client, team, page):
    agent = team["kefu_a"]
    client.force_login(agent)
    urls = {"desk": reverse("aftersales:desk"), "complaints": reverse("aftersales:complaints"),
            "reviews": reverse("aftersales:reviews"), "follow_ups": reverse("aftersales:follow_ups"),
            "unpaid": reverse("aftersales:follow_ups") + "?list=unpaid", "returns": reverse("aftersales:returns"),
            "buyer": reverse("aftersales:buyer") + "?q=常客"}
    counts = []
    for size in (2, 12):
        while Complaint.objects.count() < size:
            order = TaobaoOrderFactory(buyer_nick="常客")
            complaint(agent, order=order)
            made = review(agent, order=received_order(9, buyer_nick="常客"))
            services.record_review_contact(made, by=agent, note="联系")
            received_order(8)
            unpaid_order()
            services.record_follow_up(by=agent, order=received_order(8), kind="received", answer="satisfied")
            services.record_return(by=agent, order_id=order.order_id, kind="return", reason="x")
        counts.append(queries_for(client, urls[page]))
    assert counts[0] == counts[1], counts
