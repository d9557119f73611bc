"""A clerk correcting a wrong receipt on the product page: a negative receipt or return is refused (never turned
into a positive one) with how to correct a receipt; a number above the shop's limit per move (Admin → Inventory
settings) is refused naming the limit, on the page, in the services and in a stocktake count."""
import pytest
from django.urls import reverse
from django.utils import translation

from inventory import services
from inventory.models import InventorySettings, StockMove
from shopteam.errors import ServiceError
from tests.factories import UserFactory
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db

HOW_TO_CORRECT = "To correct a wrong receipt, reverse it in the movement history, or record an adjustment"


def record_on_the_page(client, product, **data):
    response = client.post(reverse("inventory:move_create", args=[product.pk]), data, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_a_receipt_of_minus_five_on_the_product_page_is_refused_and_says_how_to_correct_it(client, clerk):
    tea = stocked(10, sku="SCT-R")
    client.force_login(clerk)
    page = record_on_the_page(client, tea, kind="receipt", quantity=-5, reference="入库单 7")
    assert "SCT-R: a Receipt cannot be -5" in page and HOW_TO_CORRECT in page
    assert "Receipt of +5 recorded" not in page
    page = record_on_the_page(client, tea, kind="return", quantity=-2)
    assert "SCT-R: a Return cannot be -2" in page and "To correct a wrong return, reverse it" in page
    page = record_on_the_page(client, tea, kind="sale", quantity=-3)
    assert "Enter the units that went out as a positive number" in page
    tea.refresh_from_db()
    assert (tea.on_hand, tea.moves.count()) == (10, 1)
    # The right way: a sale typed as its units goes out, an adjustment takes a wrong receipt's units back.
    record_on_the_page(client, tea, kind="sale", quantity=3)
    record_on_the_page(client, tea, kind="adjustment", quantity=-5, reason="入库单 7 多记了 5")
    tea.refresh_from_db()
    assert tea.on_hand == 2


def test_every_signed_kind_says_how_it_is_corrected(clerk):
    tea = stocked(5, sku="SCT-S")
    for kind, quantity, words in [(StockMove.Kind.RECEIPT, -1, "a wrong receipt"),
                                  (StockMove.Kind.RETURN, -1, "a wrong return"),
                                  (StockMove.Kind.SALE, 2, "a wrong sale")]:
        with pytest.raises(ServiceError) as refused:
            services.record_move(tea, kind=kind, quantity=quantity, by=clerk)
        assert f"To correct {words}, reverse it in the movement history, or record an adjustment" in str(
            refused.value.messages)


def test_a_move_above_the_shops_limit_is_refused_naming_the_limit(client, clerk):
    tea = stocked(10, sku="SCT-L")
    with pytest.raises(ServiceError, match="more than the limit of 100,000 per move"):
        services.record_move(tea, kind=StockMove.Kind.RECEIPT, quantity=100_001, by=clerk)
    with pytest.raises(ServiceError, match="100,001 units in one move"):
        services.record_move(tea, kind=StockMove.Kind.ADJUSTMENT, quantity=-100_001, by=clerk, reason="盘亏")
    services.record_move(tea, kind=StockMove.Kind.RECEIPT, quantity=100_000, by=clerk)
    client.force_login(clerk)
    page = record_on_the_page(client, tea, kind="receipt", quantity=99_999_999_999)
    assert "Ensure this value is less than or equal to 1000000000" in page  # a form error, not an overflow
    page = record_on_the_page(client, tea, kind="receipt", quantity=2_000_000)
    assert "SCT-L: 2,000,000 units in one move is more than the limit of 100,000 per move" in page
    tea.refresh_from_db()
    assert tea.on_hand == 100_010


def test_the_limit_is_set_in_the_admin_with_history_and_holds_for_counts_too(client, clerk, team):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(reverse("admin:inventory_inventorysettings_add"), {"move_limit": 500})
    assert response.status_code == 302
    settings = InventorySettings.current()
    assert settings.move_limit == 500 and settings.history.count() == 1
    assert client.get(reverse("admin:inventory_inventorysettings_add")).status_code == 403  # one row only
    translation.activate("en")  # the admin's page left the shop's language on
    tea = stocked(10, sku="SCT-A")
    with pytest.raises(ServiceError, match="more than the limit of 500 per move"):
        services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-501, by=clerk)
    count = services.start_stocktake(by=clerk)
    with pytest.raises(ServiceError, match="more than the limit of 500 per move"):
        services.count_line(count.lines.get(), counted=501, by=clerk)
    services.count_line(count.lines.get(), counted=500, by=clerk)
    services.post_stocktake(count, by=clerk)  # its difference of +490 comes from a count held to the limit
    tea.refresh_from_db()
    assert tea.on_hand == 500
