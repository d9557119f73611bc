"""What the first week's tryout broke: accepting while the reporter is asked, the accept's note, double
submissions, text without limits, and the case admin."""
import pytest
from django.urls import reverse
from django.utils import translation

from escalation import services
from escalation.models import Case, CaseEvent
from roles.models import Difficulty
from shopteam.errors import ServiceError
from tests.escalation.factories import raise_difficulty
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_accepting_while_the_reporter_is_asked_keeps_the_case_answerable(team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    services.ask_reporter(case, by=team["marketing_lead"], question="几个客服在线？", hop=case.hop)
    case.refresh_from_db()
    services.accept_case(case, by=team["marketing_lead"], hop=case.hop)
    case.refresh_from_db()
    assert case.status == Case.Status.NEEDS_INFO and case.handler == team["marketing_lead"]
    services.answer_reporter_question(case, by=team["kefu_lead"], answer="两个")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.deadline is not None


def test_a_note_written_with_accept_is_kept_on_the_accept(client, team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    client.force_login(team["marketing_lead"])
    client.post(reverse("escalation:case_action", args=[case.pk, "accept"]),
                {"note": "我下午三点前回复", "hop": case.hop})
    accepted = case.events.get(kind=CaseEvent.Kind.ACCEPTED)
    assert accepted.note == "我下午三点前回复"
    page = client.get(reverse("escalation:case_detail", args=[case.pk])).content.decode()
    assert "我下午三点前回复" in page


def test_a_form_submitted_twice_raises_one_case(client, team, clock):
    client.force_login(team["kefu_a"])
    form = client.get(reverse("escalation:raise_case")).content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    difficulty = Difficulty.objects.get(name="客服忙碌")
    data = {"post": team.posts["客服A"].pk, "difficulty": difficulty.pk, "description": "咨询太多", "key": key}
    first = client.post(reverse("escalation:raise_case"), data)
    second = client.post(reverse("escalation:raise_case"), data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"] == Case.objects.get().get_absolute_url()


def form_key(client):
    form = client.get(reverse("escalation:raise_case")).content.decode()
    return form.split('name="key" value="')[1].split('"')[0]


def test_back_and_submit_again_returns_the_first_case(client, team, clock):
    client.force_login(team["kefu_a"])
    difficulty = Difficulty.objects.get(name="客服忙碌")
    data = {"post": team.posts["客服A"].pk, "difficulty": difficulty.pk, "description": "咨询太多"}
    first = client.post(reverse("escalation:raise_case"), {**data, "key": form_key(client)})
    clock.shift(60 * 5)
    again = form_key(client)  # Back: the browser shows the form again, with a key of its own
    second = client.post(reverse("escalation:raise_case"), {**data, "key": again})
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == case.get_absolute_url()
    assert case.events.count() == 2  # raised, routed: nothing happened twice


def test_the_same_words_about_something_else_or_much_later_make_a_new_case(client, team, clock):
    client.force_login(team["kefu_a"])
    busy = Difficulty.objects.get(name="客服忙碌")
    data = {"post": team.posts["客服A"].pk, "difficulty": busy.pk, "description": "咨询太多"}
    client.post(reverse("escalation:raise_case"), {**data, "key": form_key(client)})
    client.post(reverse("escalation:raise_case"),
                {**data, "description": "咨询太多，顾客在等", "key": form_key(client)})
    clock.shift(60 * 31)
    client.post(reverse("escalation:raise_case"), {**data, "key": form_key(client)})
    assert Case.objects.count() == 3


def test_the_same_key_from_two_people_makes_two_cases(team, clock):
    difficulty = Difficulty.objects.get(name="客服忙碌")
    for user, post in ((team["kefu_a"], "客服A"), (team["kefu_lead"], "客服组组长")):
        services.raise_case(by=user, post=team.posts[post], difficulty=difficulty, description="忙", key="same")
    assert Case.objects.count() == 2


def test_a_description_over_5000_characters_is_refused_with_a_message(client, team, clock):
    with pytest.raises(ServiceError, match="under 5,000 characters"):
        raise_difficulty(team, "客服忙碌", description="很" * 5001)
    client.force_login(team["kefu_a"])
    difficulty = Difficulty.objects.get(name="客服忙碌")
    response = client.post(
        reverse("escalation:raise_case"),
        {"post": team.posts["客服A"].pk, "difficulty": difficulty.pk, "description": "很" * 100_000},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    assert not Case.objects.exists()


def test_a_comment_over_the_limit_is_refused_and_changes_nothing(client, team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    client.force_login(team["kefu_lead"])
    response = client.post(reverse("escalation:case_action", args=[case.pk, "comment"]),
                           {"note": "长" * 5001}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "at most 5000 characters" in response.content.decode()
    assert not case.events.filter(kind=CaseEvent.Kind.COMMENTED).exists()


def test_long_text_folds_on_the_page(client, team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"], description="长" * 5000)
    client.force_login(team["kefu_lead"])
    page = client.get(reverse("escalation:case_detail", args=[case.pk])).content.decode()
    assert 'class="long-text fold' in page


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_cases_in_the_admin_are_read_only(admin_client, team, clock):
    case = raise_difficulty(team, "客服忙碌")
    assert admin_client.get(reverse("admin:escalation_case_add")).status_code == 403
    change_url = reverse("admin:escalation_case_change", args=[case.pk])
    page = admin_client.get(change_url).content.decode()
    assert 'name="status"' not in page and 'name="current_post"' not in page
    assert admin_client.post(change_url, {"status": "resolved", "hop": 99}).status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING and case.hop == 1
    assert admin_client.get(reverse("admin:escalation_case_delete", args=[case.pk])).status_code == 403


def test_the_admin_moves_a_case_on_with_an_action_that_leaves_history(admin_client, team, clock):
    case = raise_difficulty(team, "客服忙碌")
    response = admin_client.post(
        reverse("admin:escalation_case_changelist"),
        {"action": "move_on", "_selected_action": [case.pk]}, follow=True, HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "1 case moved on." in response.content.decode()
    case.refresh_from_db()
    assert case.current_post.title == "店长"
    corrected = case.events.get(kind=CaseEvent.Kind.CORRECTED)
    assert corrected.actor.username == "root" and "moved the case on" in corrected.note


def test_the_admin_is_told_why_a_case_cannot_move_on(admin_client, team, clock):
    case = raise_difficulty(team, "售后困难")  # straight to the shop manager: the last step
    response = admin_client.post(
        reverse("admin:escalation_case_changelist"),
        {"action": "move_on", "_selected_action": [case.pk]}, follow=True, HTTP_ACCEPT_LANGUAGE="en",
    )
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert shown == [("error", f"#{case.pk}: Case #{case.pk} is at its last step: it cannot move on.")]
    case.refresh_from_db()
    assert case.current_post.title == "店长" and case.hop == 1
    assert not case.events.filter(kind=CaseEvent.Kind.CORRECTED).exists()


def test_a_case_that_went_to_the_admins_is_sent_again_once_someone_holds_a_post(admin_client, team, clock):
    from roles.models import Assignment

    held = list(Assignment.objects.filter(post__title__in=["营销策划组组长", "店长"]))
    Assignment.objects.filter(pk__in=[a.pk for a in held]).delete()
    case = raise_difficulty(team, "客服忙碌")
    assert case.with_admins
    Assignment.objects.bulk_create(held)
    admin_client.post(reverse("admin:escalation_case_changelist"),
                      {"action": "send_again", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert not case.with_admins and case.current_post.title == "营销策划组组长"


def test_a_staff_member_without_the_change_right_has_no_correction_actions(client, team, clock):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(clerk)
    page = client.get(reverse("admin:escalation_case_changelist")).content.decode()
    assert "move_on" not in page
    case = raise_difficulty(team, "客服忙碌")
    with translation.override("en"), pytest.raises(ServiceError, match="Only an admin"):
        services.move_on_by_admin(case, by=clerk)


@pytest.mark.parametrize("status", ["waiting", "in_progress", "needs_info", "resolved", "nonsense"])
def test_no_case_state_makes_the_case_page_fail(client, team, clock, status):
    case = raise_difficulty(team, "客服忙碌")
    Case.objects.filter(pk=case.pk).update(status=status, step=7, current_post=None, handler=None)
    client.force_login(team["manager"])
    assert client.get(reverse("escalation:case_detail", args=[case.pk])).status_code == 200
