"""Stock pages: everyone signed in reads stock; the product group, the shop manager and the admins change it. One
module per noun; every view is importable from here (the URLconf's names)."""
from .imports import import_action, import_detail, import_file, import_list, import_progress
from .products import (
    move_create,
    move_reverse,
    product_create,
    product_detail,
    product_edit,
    product_import,
    product_list,
)
from .restock import alert_list, restock_action, restock_detail, restock_edit, restock_receive
from .stocktakes import count_line, stocktake_action, stocktake_detail, stocktake_list, stocktake_review

__all__ = [
    "alert_list", "count_line", "import_action", "import_detail", "import_file", "import_list", "import_progress",
    "move_create", "move_reverse", "product_create", "product_detail", "product_edit", "product_import",
    "product_list", "restock_action", "restock_detail", "restock_edit", "restock_receive", "stocktake_action",
    "stocktake_detail", "stocktake_list", "stocktake_review",
]
