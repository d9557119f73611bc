"""The storeroom: suppliers, products, and the stock ledger whose sum is every product's stock. One module per
noun; every model is importable from here (Django finds them through this module)."""
from .catalogue import DEFAULT_SUPPLIER, Product, Supplier
from .ledger import DriftCheck, InventorySettings, StockMove
from .restock import LowStockAlert, RestockLine, RestockRequest
from .stocktakes import Stocktake, StocktakeLine
from .taobao import TaobaoImport, TaobaoOrder, TaobaoOrderLine, TaobaoRefund

__all__ = [
    "DEFAULT_SUPPLIER", "DriftCheck", "InventorySettings", "LowStockAlert", "Product", "RestockLine",
    "RestockRequest", "StockMove", "Stocktake", "StocktakeLine", "Supplier", "TaobaoImport", "TaobaoOrder",
    "TaobaoOrderLine", "TaobaoRefund",
]
