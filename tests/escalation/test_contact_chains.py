"""Every playbook difficulty travels exactly its chain, ending with the shop manager."""
import pytest

from escalation.models import CaseEvent
from escalation.services import pass_on
from shopteam.errors import ServiceError
from tests.escalation.factories import raise_difficulty

pytestmark = pytest.mark.django_db

CHAINS = {
    "客服忙碌": ["营销策划组组长", "店长"],
    "售后困难": ["店长"],
    "记录统计繁忙": ["数据分析组组长", "店长"],
    "盘点不清": ["客服组组长", "营销策划组组长", "店长"],
    "拍照量大": ["客服组组长", "营销策划组组长", "店长"],
    "登录产品": ["客服组组长", "营销策划组组长", "店长"],
    "财务支出": ["财务组组长", "店长"],
    "广告素材": ["视觉组组长", "店长"],
    "收集困难": ["店长"],
}


@pytest.mark.parametrize("name", CHAINS)
def test_case_visits_exactly_the_playbook_chain(team, clock, name):
    case = raise_difficulty(team, name)
    visited = [case.current_post.title]
    while not case.at_last_step:
        contact = case.contacts.get()
        case = pass_on(case, by=contact, reason="我们这里也忙不过来")
        visited.append(case.current_post.title)
    assert visited == CHAINS[name]
    assert case.contacts.get() == team["manager"]
    assert case.reached_manager
    with pytest.raises(ServiceError, match="last step"):
        pass_on(case, by=team["manager"], reason="再往上")
    routed = case.events.filter(kind=CaseEvent.Kind.ROUTED).values_list("to_post__title", flat=True)
    assert list(routed) == CHAINS[name]


def test_overloaded_customer_service_case_goes_to_marketing_leader_first(team, clock):
    case = raise_difficulty(team, "客服忙碌", reporter=team["kefu_lead"])
    assert case.current_post.title == "营销策划组组长"
    assert list(case.contacts.all()) == [team["marketing_lead"]]
