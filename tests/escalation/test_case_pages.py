"""Who may see and act on a case, through the pages, per role."""
import pytest
from django.urls import reverse

from escalation import services
from escalation.models import Case
from roles.models import Difficulty, Post
from shopteam import dashboard
from tests.escalation.factories import raise_difficulty
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(team, clock):
    return raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])


def detail(case):
    return reverse("escalation:case_detail", args=[case.pk])


def act(case, action):
    return reverse("escalation:case_action", args=[case.pk, action])


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("kefu_lead", 200),  # the reporter
        ("marketing_lead", 200),  # the current contact
        ("manager", 200),  # the shop manager sees every case
        ("kefu_a", 404),  # same group as the reporter, but not involved
        ("finance_lead", 404),
        ("photo_a", 404),
    ],
)
def test_only_the_people_involved_and_the_manager_can_see_a_case(client, team, case, username, status):
    client.force_login(team[username])
    assert client.get(detail(case)).status_code == status


ACTIONS = ("accept", "resolve", "pass", "comment", "reopen", "ask", "answer")
# What raising 客服忙碌 writes, known from the playbook rather than read back from the database: the case was
# raised, then sent to the marketing leader (its first step, held by someone).
RAISED_EVENTS = [("raised", None), ("routed", "营销策划组组长")]


def history(case):
    return [(kind, title) for kind, title in case.events.order_by("pk").values_list("kind", "to_post__title")]


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_case_page(client, team, case):
    # Written out, not reversed: the sign-in page and the case's address as a visitor would type them.
    pages = [
        ("/cases/", "/cases/"),
        ("/cases/?box=mine", "/cases/%3Fbox%3Dmine"),  # the query string comes back too, encoded
        ("/cases/new/", "/cases/new/"),
        (f"/cases/{case.pk}/", f"/cases/{case.pk}/"),
        ("/cases/dashboard/", "/cases/dashboard/"),
    ]
    for url, back in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={back}", url


def test_an_anonymous_visitor_is_sent_to_sign_in_by_every_case_action_and_nothing_changes(client, team, case):
    for action in ACTIONS:
        url = f"/cases/{case.pk}/{action}/"
        response = client.post(url, {"note": "我来", "hop": case.hop})
        assert response.status_code == 302, action
        assert response["Location"] == f"/accounts/login/?next=/cases/{case.pk}/{action}/", action
    response = client.post("/cases/new/", {"post": case.post_id, "description": "匿名"})
    assert response["Location"] == "/accounts/login/?next=/cases/new/"
    assert history(case) == RAISED_EVENTS
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING and case.hop == 1 and case.handler is None


def test_a_past_handler_keeps_seeing_the_case(client, team, case):
    client.force_login(team["marketing_lead"])
    client.post(act(case, "pass"), {"note": "营销组在做活动", "hop": case.hop})
    case.refresh_from_db()
    assert case.current_post.title == "店长"
    assert client.get(detail(case)).status_code == 200


def test_someone_not_involved_cannot_act_and_nothing_changes(client, team, case):
    assert history(case) == RAISED_EVENTS
    client.force_login(team["photo_a"])
    for action in ACTIONS:
        assert client.post(act(case, action), {"note": "我来", "hop": case.hop}).status_code == 404
    assert history(case) == RAISED_EVENTS
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING and case.hop == 1 and case.handler is None


def test_the_reporter_cannot_resolve_their_own_case_through_the_page(client, team, case):
    client.force_login(team["kefu_lead"])
    response = client.post(act(case, "resolve"), {"note": "算了", "hop": case.hop}, follow=True)
    assert "只有" in response.content.decode() or "Only the people" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.WAITING


def test_the_contact_accepts_and_resolves_through_the_page(client, team, case):
    client.force_login(team["marketing_lead"])
    page = client.get(detail(case)).content.decode()
    assert act(case, "accept") in page and act(case, "pass") in page
    client.post(act(case, "accept"), {"hop": case.hop})
    client.post(act(case, "resolve"), {"note": "两位营销同事帮忙接待", "hop": case.hop})
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.handler == team["marketing_lead"]


def test_an_empty_reason_is_refused_with_a_message(client, team, case):
    client.force_login(team["marketing_lead"])
    response = client.post(act(case, "pass"), {"note": "", "hop": case.hop}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert Case.objects.get(pk=case.pk).current_post.title == "营销策划组组长"


def test_raising_a_case_from_my_posts(client, team, clock):
    client.force_login(team["kefu_lead"])
    page = client.get(reverse("roles:my_posts")).content.decode()
    difficulty = Difficulty.objects.get(name="客服忙碌")
    assert f"difficulty={difficulty.pk}" in page
    form = client.get(reverse("escalation:raise_case"), {"difficulty": difficulty.pk}).content.decode()
    assert "某一时刻在岗客服无法应对" in form
    assert "营销策划组组长 → 店长" in form  # where it will go, before it is raised
    response = client.post(
        reverse("escalation:raise_case"),
        {"post": difficulty.post_id, "difficulty": difficulty.pk, "description": "双十一咨询量暴增"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert case.current_post.title == "营销策划组组长"


def test_raising_with_an_empty_description_or_a_post_not_held_changes_nothing(client, team, clock):
    client.force_login(team["kefu_a"])
    post = Post.objects.get(title="客服A")
    response = client.post(reverse("escalation:raise_case"), {"post": post.pk, "description": " "})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    other = Post.objects.get(title="客服组组长")
    response = client.post(reverse("escalation:raise_case"), {"post": other.pk, "description": "试试"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Case.objects.exists()


def test_someone_with_no_post_cannot_raise_a_case(client, team):
    client.force_login(UserFactory())
    response = client.get(reverse("escalation:raise_case"))
    assert response.status_code == 302 and response["Location"] == reverse("roles:my_posts")


def test_case_list_shows_only_visible_cases(client, team, case):
    other = raise_difficulty(team, "财务支出")  # marketing -> finance
    client.force_login(team["finance_lead"])
    page = client.get(reverse("escalation:case_list")).content.decode()
    assert f"#{other.pk} " in page and f"#{case.pk} " not in page
    waiting = client.get(reverse("escalation:case_list"), {"box": "mine"}).content.decode()
    assert f"#{other.pk} " in waiting


def test_the_dashboard_is_the_shop_managers_home_and_nobody_elses(client, team, case):
    client.force_login(team["manager"])
    assert client.get(reverse("home"))["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    client.force_login(team["marketing_lead"])
    # Everyone else starts on the page an app registers as home (tasks' "my tasks"), never the dashboard.
    assert client.get(reverse("home"))["Location"] == reverse(dashboard.home_url_name(team["marketing_lead"]))
    assert client.get(reverse("home"))["Location"] != reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 403


def test_the_history_shows_every_hop_with_the_working_time_spent(client, team, case, clock):
    import datetime

    from tests.escalation.conftest import SHANGHAI

    clock.move_to(datetime.datetime(2026, 11, 23, 11, 0, tzinfo=SHANGHAI))
    client.force_login(team["marketing_lead"])
    client.post(act(case, "pass"), {"note": "营销组人手不够", "hop": case.hop})
    client.force_login(team["kefu_lead"])
    page = client.get(detail(case)).content.decode()
    assert "营销组人手不够" in page and "王店长" in page
    assert page.count('data-event="routed"') == 2
    assert "1 h 0 min" in page or "1 小时 0 分" in page


def test_admins_see_and_correct_cases_in_the_admin_but_never_delete_them(client, team, case):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:escalation_case_change", args=[case.pk])).content.decode()
    assert case.title in page and "营销策划组组长" in page
    assert client.get(reverse("admin:escalation_case_delete", args=[case.pk])).status_code == 403
    event = case.events.first()
    assert client.get(reverse("admin:escalation_caseevent_delete", args=[event.pk])).status_code == 403
    client.force_login(team["manager"])  # the shop manager is not an admin
    assert client.get(reverse("admin:escalation_case_changelist")).status_code == 302


def raise_visible_cases(team, count, *, to):
    """`count` cases that `to` sees, in every state a list shows: for 客服A the cases she raised; for her
    leader, half hers (his group's) and half 盘点不清 sent to him, every third accepted, every fifth resolved."""
    made = []
    for index in range(count):
        if to == "kefu_a" or index % 2:
            case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_a"], description=f"咨询量暴增 {index}")
        else:
            case = raise_difficulty(team, "盘点不清", description=f"第{index}货架点不清")
        contact = case.contacts.get()
        if index % 3 == 0:
            services.accept_case(case, by=contact, hop=case.hop)
        if index % 5 == 0:
            services.resolve_case(case, by=contact, resolution="已处理", hop=case.hop)
        made.append(case)
    return made


@pytest.mark.parametrize("username", ["kefu_a", "kefu_lead"])  # an ordinary member, a group leader
def test_the_case_list_makes_the_same_queries_for_5_and_for_60_visible_cases(client, team, clock, username):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(team[username])
    urls = ["/cases/", "/cases/?box=mine", "/cases/?box=reported", "/cases/?status=open", "/cases/?page=2"]

    def queries_and_count():
        counts = {}
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[url] = (len(captured), response.context["page"].paginator.count)
        return counts

    raise_visible_cases(team, 5, to=username)
    few = queries_and_count()
    assert few["/cases/"][1] == 5
    raise_visible_cases(team, 55, to=username)
    many = queries_and_count()
    assert many["/cases/"][1] == 60  # two pages of 30
    assert {url: queries for url, (queries, _n) in many.items()} == {
        url: queries for url, (queries, _n) in few.items()
    }


def test_a_case_page_and_the_case_list_agree_on_who_sees_what(team, clock):
    # The list asks the rule of every case at once, a case page of one case, in two SQL forms: they must agree.
    from escalation import selectors
    from roles.models import Assignment

    cases = [
        raise_difficulty(team, "客服忙碌", reporter=team["kefu_a"]),  # a member's case: her group's leader sees it
        raise_difficulty(team, "盘点不清"),  # product -> the customer-service leader
        raise_difficulty(team, "财务支出"),  # marketing -> finance
        raise_difficulty(team, "售后困难"),  # straight to the shop manager
    ]
    services.pass_on(cases[1], by=team["kefu_lead"], reason="客服也很忙", hop=cases[1].hop)
    # A new customer-service leader sees what was sent to the post before him, with no permission row of his.
    Assignment.objects.filter(user=team["kefu_lead"]).delete()
    newcomer = UserFactory(username="kefu_new")
    Assignment.objects.create(user=newcomer, post=Post.objects.get(title="客服组组长"))
    people = [*team.values(), newcomer]
    seen = {(user.username, case.pk) for user in people for case in selectors.visible_cases(user)}
    assert seen == {(user.username, case.pk) for user in people for case in cases if selectors.can_see(case, user)}
    assert ("kefu_new", cases[0].pk) in seen and ("kefu_new", cases[1].pk) in seen  # independent of the forms
    assert ("kefu_a", cases[1].pk) not in seen and ("photo_a", cases[0].pk) not in seen
    assert {pk for name, pk in seen if name == "manager"} == {case.pk for case in cases}
