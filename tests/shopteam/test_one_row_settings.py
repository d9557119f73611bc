"""Every app's settings row (shopteam.models.OneRowSettings, shopteam.admin.OneRowSettingsAdmin): read with its
defaults before it exists, added once in the admin, never deleted."""
import pytest
from django.contrib import admin
from django.test import RequestFactory

from aftersales.models import AfterSalesSettings
from finance.models import FinanceSettings
from inventory.models import InventorySettings
from shipping.models import ShippingSettings
from shopteam.admin import OneRowSettingsAdmin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SETTINGS = [AfterSalesSettings, FinanceSettings, InventorySettings, ShippingSettings]


@pytest.mark.parametrize("model", SETTINGS)
def test_the_admin_adds_one_row_and_deletes_none(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, OneRowSettingsAdmin)
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model.objects.all().delete()
    assert model_admin.has_add_permission(request)
    model.current().save()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, model.objects.get())


@pytest.mark.parametrize("model", [AfterSalesSettings, InventorySettings, ShippingSettings])
def test_without_a_row_the_defaults_are_read_and_nothing_is_written(model):
    model.objects.all().delete()
    assert model.current().pk == 1 and not model.objects.exists()
