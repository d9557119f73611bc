"""Attendance in the browser, on a desktop and a 390 px phone: the customer-service leader opens the group's month
sheet, taps today's cell for 赵客服, records a late arrival; 赵客服 signs in and sees it in her own month with its −2
points. The sheet scrolls inside its box on a phone; the page never scrolls sideways.

Time is real (the live server runs in another thread): the records are dated today."""
import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Kind, Record
from attendance.services import ensure_kinds
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_escalation_journey import assert_fits, go
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_menu(page, phone):
    if phone:
        page.click(".navbar-toggler")  # a phone: the menu folds away


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_leader_records_a_late_arrival_and_the_person_sees_it(open_page, live_server, team, viewport, name):
    ensure_kinds()  # a transactional test starts from a flushed database
    phone = viewport is PHONE
    today = timezone.localdate()
    leader = open_page(viewport)
    sign_in(leader, live_server, "kefu_lead", PASSWORD)
    open_menu(leader, phone)
    go(leader, f"nav.navbar a[href='{reverse('attendance:sheet')}']")
    assert "月考勤表" in leader.locator("h1").inner_text()
    assert_fits(leader)
    screenshot(leader, f"attendance-sheet-empty-{name}")
    cell = leader.locator(f"tr[data-person=kefu_a] td[data-day='{today:%Y-%m-%d}'] a")
    cell.scroll_into_view_if_needed()
    go(leader, f"tr[data-person=kefu_a] td[data-day='{today:%Y-%m-%d}'] a")

    assert "赵客服" in leader.locator("select[name=person] option:checked").inner_text()  # prefilled from the cell
    assert leader.input_value("input[name=day]") == f"{today:%Y-%m-%d}"
    leader.check(f"input[name=kind][value='{Kind.objects.get(code='late').pk}']")
    leader.fill("input[name=note]", "早班迟到 15 分钟")
    assert_fits(leader)
    screenshot(leader, f"attendance-record-form-{name}")
    go(leader, "form[data-submit-once] button[type=submit]")

    assert "已记录" in leader.locator(".alert-success").inner_text()
    mark = leader.locator(f"tr[data-person=kefu_a] td[data-day='{today:%Y-%m-%d}'] [data-record=late]")
    assert mark.inner_text() == "迟"
    assert leader.locator("tr[data-person=kefu_a] [data-points]").inner_text() == "-2"
    assert_fits(leader)
    screenshot(leader, f"attendance-sheet-recorded-{name}")
    assert Record.objects.get().recorded_by == team["kefu_lead"]

    person = open_page(viewport)
    sign_in(person, live_server, "kefu_a", PASSWORD)
    open_menu(person, phone)
    go(person, f"nav.navbar a[href='{reverse('attendance:mine')}']")
    assert person.locator("[data-points]").inner_text() == "-2"
    record = person.locator("[data-records] [data-record]")
    assert record.count() == 1 and "迟到" in record.inner_text() and "早班迟到 15 分钟" in record.inner_text()
    assert "李客服" in record.inner_text()
    assert_fits(person)
    screenshot(person, f"attendance-mine-{name}")
    go(person, "[data-records] [data-record]")
    assert person.locator("[data-correct]").count() == 0  # she sees it, she cannot change it
    assert_fits(person)
    screenshot(person, f"attendance-record-{name}")
