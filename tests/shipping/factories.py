"""Posted stocktakes for the shipping desk's stocktake-loss list. Inventory's services would post them from real
counts; shipping only reads what a posted stocktake's lines say, so the factory writes those lines as posted."""
from decimal import Decimal

from django.utils import timezone

from inventory.models import Stocktake, StocktakeLine
from tests.inventory.factories import ProductFactory


def posted_stocktake(by, lines, *, closed_at=None, status=Stocktake.Status.POSTED):
    """A stocktake posted by `by` whose lines are (cost, expected, counted), one new product each."""
    stocktake = Stocktake.objects.create(scope=Stocktake.Scope.SHELF, scope_value="B-1", status=status, started_by=by,
                                         closed_by=by if status != Stocktake.Status.COUNTING else None,
                                         closed_at=(closed_at or timezone.now())
                                         if status != Stocktake.Status.COUNTING else None)
    for cost, expected, counted in lines:
        StocktakeLine.objects.create(stocktake=stocktake, product=ProductFactory(cost=Decimal(cost)), open=False,
                                     expected_at_count=expected, counted=counted, counted_at=timezone.now(),
                                     counted_by=by)
    return stocktake
