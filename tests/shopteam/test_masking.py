from roles.selectors import sees_contact_details
from shopteam.masking import mask_address, mask_name, mask_phone
from tests.factories import UserFactory


def test_a_phone_keeps_its_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("'13812345678") == "138****5678"
    assert mask_phone("0571-8888") == "057****8888"
    assert mask_phone("110") == "*10"
    assert mask_phone("") == ""


def test_a_name_keeps_its_family_name_and_an_address_its_province_and_city():
    assert mask_name("张小明") == "张**"
    assert mask_name("") == ""
    assert mask_address("浙江省 杭州市 西湖区 文三路 100 号") == "浙江省 杭州市 ***"
    assert mask_address("上海 上海市") == "上海 ***"
    assert mask_address("") == ""


def test_customer_service_and_the_shop_manager_see_contact_details_and_no_one_else(team):
    assert sees_contact_details(team.holder("客服A"))
    assert sees_contact_details(team.holder("店长"))
    assert not sees_contact_details(team.holder("产品组组长"))
    assert not sees_contact_details(UserFactory())
