"""Every change to the storeroom, one module per noun: the ledger (moves, and stock changed only there), products,
the catalogue from a spreadsheet, stocktakes, restock requests, the nightly drift check, Taobao money's booking,
and the work filed for people. Today's names stay importable from here (`inventory.services.record_move`);
the modules import each other directly, never through this one."""
from .catalogue import CATALOGUE_COLUMNS, STATUS_WORDS, import_catalogue, read_catalogue
from .drift import DRIFT_BODY, DRIFT_TITLE, check_drift, drift_watchers
from .ledger import (
    MANUAL_KINDS,
    SIGN_HINTS,
    SIGNS,
    UNLIMITED_KINDS,
    UPDATE_CHUNK,
    add_to_stock,
    change_stock,
    close_recovered_alerts,
    lock_products,
    move_limit,
    over_the_limit,
    record_move,
    record_moves,
    recovered,
    require_stock_rights,
    reverse_move,
    shortages,
)
from .products import (
    MONEY_LIMIT,
    PRODUCT_FIELDS,
    clean_product_fields,
    create_product,
    default_supplier,
    update_product,
)
from .restock import change_restock, edit_restock_quantities, receive_restock, reorder_shortfall
from .stocktakes import (
    UNCLEAR_DIFFICULTY,
    abandon_stocktake,
    can_count,
    count_line,
    post_stocktake,
    raise_stocktake_unclear,
    start_stocktake,
)
from .taobao_money import (
    BOOK_TAOBAO_MONEY,
    book_pending_taobao_money,
    book_taobao_money,
    book_taobao_money_after_commit,
)
from .work import file_new_product_tasks

__all__ = [
    "BOOK_TAOBAO_MONEY", "CATALOGUE_COLUMNS", "DRIFT_BODY", "DRIFT_TITLE", "MANUAL_KINDS", "MONEY_LIMIT",
    "PRODUCT_FIELDS", "SIGNS", "SIGN_HINTS", "STATUS_WORDS", "UNCLEAR_DIFFICULTY", "UNLIMITED_KINDS", "UPDATE_CHUNK",
    "abandon_stocktake", "add_to_stock", "book_pending_taobao_money", "book_taobao_money",
    "book_taobao_money_after_commit", "can_count", "change_restock", "change_stock", "check_drift",
    "clean_product_fields", "close_recovered_alerts", "count_line", "create_product", "default_supplier",
    "drift_watchers", "edit_restock_quantities", "file_new_product_tasks", "import_catalogue", "lock_products",
    "move_limit", "over_the_limit", "post_stocktake", "raise_stocktake_unclear", "read_catalogue", "receive_restock",
    "record_move", "record_moves", "recovered", "reorder_shortfall", "require_stock_rights", "reverse_move",
    "shortages", "start_stocktake", "update_product",
]
