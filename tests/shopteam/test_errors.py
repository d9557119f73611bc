"""A service error can carry many messages (every bad row of an import, every short product), and pages
show them all."""
import pytest
from django import forms
from django.contrib.messages import get_messages
from django.test import RequestFactory

from shopteam.errors import ServiceError, show_errors


def test_one_message_or_many():
    single = ServiceError("库存不足")
    assert single.messages == ["库存不足"] and single.message == "库存不足" and str(single) == "库存不足"
    many = ServiceError(["第2行：商家编码为空", "", "第9行：金额不是数字"])
    assert many.messages == ["第2行：商家编码为空", "第9行：金额不是数字"]
    assert str(many) == "第2行：商家编码为空; 第9行：金额不是数字"
    with pytest.raises(ValueError):
        ServiceError([])


def test_a_form_shows_every_message():
    form = forms.Form(data={})
    form.is_valid()
    show_errors(form, ServiceError(["A 缺货 3 件", "B 缺货 1 件"]))
    assert form.non_field_errors() == ["A 缺货 3 件", "B 缺货 1 件"]


@pytest.mark.django_db
def test_a_page_shows_every_message(client):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    show_errors(request, ServiceError(["一", "二"]))
    assert [str(m) for m in get_messages(request)] == ["一", "二"]
