"""Inventory tests run in Shanghai time; the product group's leader is `product_lead` of the demo team."""
import pytest


@pytest.fixture
def clerk(team):
    """The product group's leader, who owns the storeroom."""
    return team["product_lead"]
