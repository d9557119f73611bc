"""Stock pages: everyone signed in reads stock; the product group, the shop manager and the admins change it."""
import uuid
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from escalation.selectors import cases_about
from shopteam import excel as xlsx
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from . import alerts, excel, importing, rules, selectors, services
from .forms import (
    EditQuantitiesForm,
    MoveForm,
    NewProductForm,
    ProductFilters,
    ProductForm,
    ReceiveForm,
    ReverseForm,
    StartStocktakeForm,
    StocktakeLineFilters,
    TaobaoUploadForm,
    UploadForm,
)
from .models import Product, RestockRequest, StockMove, Stocktake, StocktakeLine, Supplier, TaobaoImport

UPLOAD_SUFFIXES = {".csv", ".xlsx", ".xls", ".txt"}


def stock_keeper(view):
    """Pages and actions that change stock: the product group, the shop manager and the admins."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.can_change_stock(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def product_list(request):
    form = ProductFilters(request.GET)
    filters = {"q": "", "status": "", "category": "", "low": False, **form.filters()}
    products = selectors.product_list(**filters)
    if request.GET.get("format") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx.response(excel.stock_list(products.iterator(chunk_size=2000)), f"{_('Stock')}-{stamp}.xlsx")
    page = Paginator(products, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inventory/product_list.html", {
        "page": page, "filters": filters, "filter_problems": form.problems(), "query": query.urlencode(),
        "statuses": Product.Status.choices,
        "suppliers": Supplier.objects.all(), "categories": selectors.categories(),
        "can_change": selectors.can_change_stock(request.user),
    })


def product_detail(request, pk):
    product = get_object_or_404(Product.objects.select_related("supplier", "created_by"), pk=pk)
    moves = Paginator(selectors.product_moves(product), 50).get_page(request.GET.get("page"))
    can_change = selectors.can_change_stock(request.user)
    for move in moves.object_list:
        move.actions = rules.move_actions(move, request.user, may_change=can_change)
    return render(request, "inventory/product_detail.html", {
        "product": product, "moves": moves, "can_change": can_change,
        "move_form": MoveForm(), "reverse_form": ReverseForm(),
    })


def _product_fields(form):
    return {name: form.cleaned_data[name] for name in services.PRODUCT_FIELDS}


@stock_keeper
def product_create(request):
    form = NewProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(by=request.user, opening_stock=form.cleaned_data["opening_stock"] or 0,
                                              **_product_fields(form))
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Product %(sku)s added.") % {"sku": product.sku})
            return redirect(product)
    return render(request, "inventory/product_form.html", {"form": form, "product": None})


@stock_keeper
def product_edit(request, pk):
    product = get_object_or_404(Product, pk=pk)
    initial = {name: getattr(product, name) for name in services.PRODUCT_FIELDS}
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_product(product, by=request.user, **_product_fields(form))
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Product %(sku)s saved.") % {"sku": form.cleaned_data["sku"]})
            return redirect(product)
    return render(request, "inventory/product_form.html", {"form": form, "product": product})


def _product_of_move(pk):
    """Where the reverse form lives: the move's product page."""
    return get_object_or_404(StockMove.objects.select_related("product"), pk=pk).product.get_absolute_url()


def _stocktake_of_line(pk):
    """Where a line is counted: its stocktake's page."""
    return reverse("inventory:stocktake_detail", args=[get_object_or_404(StocktakeLine, pk=pk).stocktake_id])


@post_only("inventory:product_detail")
@stock_keeper
def move_create(request, pk):
    product = get_object_or_404(Product, pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            move = services.record_move(
                product, kind=form.cleaned_data["kind"], quantity=form.signed_quantity(), by=request.user,
                reason=form.cleaned_data["reason"], reference=form.cleaned_data["reference"],
            )
        except ServiceError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("%(kind)s of %(quantity)+d recorded: %(sku)s now has %(on_hand)d.") % {
                "kind": move.get_kind_display(), "quantity": move.quantity, "sku": product.sku,
                "on_hand": move.product.on_hand})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(product)


@post_only(_product_of_move)
@stock_keeper
def move_reverse(request, pk):
    move = get_object_or_404(StockMove.objects.select_related("product"), pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the move is reversed."))
        return redirect(move.product)
    try:
        services.reverse_move(move, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The move was reversed; both stay in the history."))
    return redirect(move.product)


# --- uploads shown before they are applied ----------------------------------------------------------------

def upload_dir(kind):
    path = Path(settings.VAR_DIR) / "uploads" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_upload(uploaded, kind):
    """Store an uploaded file under VAR_DIR/uploads/<kind>/ and return its token (its stored name)."""
    suffix = Path(uploaded.name).suffix.lower()
    token = f"{uuid.uuid4().hex}{suffix if suffix in UPLOAD_SUFFIXES else ''}"
    with open(upload_dir(kind) / token, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return token


def kept_upload(kind, token):
    name = Path(token or "").name
    path = upload_dir(kind) / name
    if not name or name != token or not path.is_file():
        raise Http404
    return path


@stock_keeper
def product_import(request):
    """Upload a catalogue, see what it would do, then apply it."""
    form = UploadForm(request.POST or None, request.FILES or None)
    plan = token = filename = None
    if request.method == "POST" and request.POST.get("token"):
        token, filename = request.POST["token"], request.POST.get("filename", "")[:200]
        path = kept_upload("catalogue", token)
        if request.POST.get("apply"):
            try:
                done = services.import_catalogue(path, name=filename, by=request.user)
            except ServiceError as error:
                show_errors(request, error)
            else:
                messages.success(request, _("Catalogue imported: %(new)d new, %(changed)d changed, %(same)d "
                                            "unchanged.") % {"new": len(done["new"]), "changed": len(done["changed"]),
                                                             "same": done["unchanged"]})
                path.unlink(missing_ok=True)
                return redirect("inventory:product_list")
        try:
            plan = services.read_catalogue(path, name=filename)
        except ServiceError as error:
            show_errors(request, error)
    elif request.method == "POST" and form.is_valid():
        filename = form.cleaned_data["file"].name
        token = keep_upload(form.cleaned_data["file"], "catalogue")
        try:
            plan = services.read_catalogue(kept_upload("catalogue", token), name=filename)
        except ServiceError as error:
            show_errors(request, error)
            token = None
    return render(request, "inventory/product_import.html", {
        "form": form, "plan": plan, "token": token, "filename": filename, "columns": services.CATALOGUE_COLUMNS,
    })


# --- Taobao/Tmall imports ---------------------------------------------------------------------------------

@stock_keeper
def import_list(request):
    form = TaobaoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        made = []
        try:
            for uploaded in form.cleaned_data["files"]:
                imp = importing.upload(uploaded, filename=uploaded.name, by=request.user)
                made.append(importing.check_soon(imp))
        except ServiceError as error:
            show_errors(request, error)
        if len(made) == 1:
            return redirect(made[0])
        if made:
            messages.success(request, _("%(count)d files uploaded: check each one below, then import it.")
                             % {"count": len(made)})
            return redirect("inventory:import_list")
    page = Paginator(selectors.import_list(), 30).get_page(request.GET.get("page"))
    return render(request, "inventory/import_list.html", {"form": form, "page": page})


def _import(pk):
    return get_object_or_404(TaobaoImport.objects.select_related("created_by", "applied_by"), pk=pk)


@stock_keeper
def import_detail(request, pk):
    imp = _import(pk)
    problems = Paginator(imp.problems, 100).get_page(request.GET.get("page"))
    return render(request, "inventory/import_detail.html", {"imp": imp, "problems": problems})


@stock_keeper
def import_progress(request, pk):
    """The progress bar, polled by htmx while the file is checked or imported; once done, the whole page."""
    imp = _import(pk)
    if not imp.is_busy:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "inventory/_import_progress.html", {"imp": imp})


@post_only("inventory:import_detail")
@stock_keeper
def import_action(request, pk, action):
    imp = _import(pk)
    try:
        if action == "start":
            imp = importing.start(imp, by=request.user, skip_bad_rows=request.POST.get("skip_bad_rows") == "1")
        elif action == "retry":
            imp = importing.retry(imp, by=request.user)
        elif action == "cancel":
            importing.cancel(imp, by=request.user)
            messages.info(request, _("The import was cancelled; the file is kept."))
        else:
            raise Http404
    except ServiceError as error:
        show_errors(request, error)
    return redirect(imp)


@stock_keeper
def import_file(request, pk):
    """The file as it was uploaded, for reading later."""
    imp = _import(pk)
    path = importing.file_path(imp)
    if not path.is_file():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=imp.filename)


# --- stocktakes -------------------------------------------------------------------------------------------

def stocktake_list(request):
    can_change = selectors.can_change_stock(request.user)
    form = StartStocktakeForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                stocktake = services.start_stocktake(by=request.user, **form.cleaned_data)
            except ServiceError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("%(stocktake)s started: count line by line.") % {"stocktake": stocktake})
                return redirect(stocktake)
    page = Paginator(selectors.stocktake_list(), 30).get_page(request.GET.get("page"))
    return render(request, "inventory/stocktake_list.html", {
        "page": page, "form": form, "can_change": can_change, "categories": selectors.categories(),
        "shelves": selectors.shelves(),
    })


def stocktake_detail(request, pk):
    """The counting page, made for a phone in the storeroom: one line per product, counted one by one."""
    stocktake = get_object_or_404(Stocktake.objects.select_related("started_by", "closed_by"), pk=pk)
    form = StocktakeLineFilters(request.GET)
    filters = form.filters()
    todo, q = filters.get("todo", False), filters.get("q", "")
    lines = Paginator(selectors.stocktake_lines(stocktake, todo=todo, q=q), 100).get_page(request.GET.get("page"))
    return render(request, "inventory/stocktake_detail.html", {
        "stocktake": stocktake, "lines": lines, "todo": todo, "q": q, "filter_problems": form.problems(),
        "progress": selectors.stocktake_progress(stocktake), "can_count": services.can_count(request.user),
        "can_change": selectors.can_change_stock(request.user), "cases": cases_about(stocktake),
    })


@post_only(_stocktake_of_line)
def count_line(request, pk):
    line = get_object_or_404(StocktakeLine.objects.select_related("stocktake", "product"), pk=pk)
    if not services.can_count(request.user):
        raise PermissionDenied
    error = None
    try:
        line = services.count_line(line, counted=request.POST.get("counted", ""), by=request.user)
    except ServiceError as refused:
        error = refused
    if not request.htmx:
        if error:
            show_errors(request, error)
        return redirect(line.stocktake)
    line = StocktakeLine.objects.select_related("product", "counted_by", "stocktake").get(pk=line.pk)
    return render(request, "inventory/_count_line.html", {
        "line": line, "stocktake": line.stocktake, "can_count": True, "error": error,
        "progress": selectors.stocktake_progress(line.stocktake), "oob": True,
    })


def stocktake_review(request, pk):
    stocktake = get_object_or_404(Stocktake.objects.select_related("started_by", "closed_by"), pk=pk)
    lines = selectors.stocktake_lines(stocktake)
    return render(request, "inventory/stocktake_review.html", {
        "stocktake": stocktake, "lines": lines, "progress": selectors.stocktake_progress(stocktake),
        "can_change": selectors.can_change_stock(request.user), "cases": cases_about(stocktake),
    })


@post_only("inventory:stocktake_detail")
def stocktake_action(request, pk, action):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    if action == "unclear":
        if not services.can_count(request.user):
            raise PermissionDenied
        try:
            case = services.raise_stocktake_unclear(stocktake, by=request.user,
                                                    description=request.POST.get("description", ""))
        except ServiceError as error:
            show_errors(request, error)
            return redirect(stocktake)
        messages.success(request, _("盘点不清 raised as case #%(id)s: it goes to %(post)s.") % {
            "id": case.pk, "post": case.current_post or _("the admins")})
        return redirect(case)
    if not selectors.can_change_stock(request.user):
        raise PermissionDenied
    try:
        if action == "post":
            services.post_stocktake(stocktake, by=request.user)
            messages.success(request, _("The count is posted: its differences are in the ledger."))
        elif action == "abandon":
            services.abandon_stocktake(stocktake, by=request.user, reason=request.POST.get("reason", ""))
            messages.info(request, _("The count was abandoned; nothing changed in the ledger."))
        else:
            raise Http404
    except ServiceError as error:
        show_errors(request, error)
        return redirect("inventory:stocktake_review", pk=stocktake.pk)
    return redirect("inventory:stocktake_review", pk=stocktake.pk)


# --- low-stock alerts and restock requests ----------------------------------------------------------------

def alert_list(request):
    return render(request, "inventory/alert_list.html", {
        "alerts": selectors.open_alerts(), "requests": selectors.restock_requests()[:30],
        "can_change": selectors.can_change_stock(request.user),
    })


def restock_detail(request, pk, receive_form=None, edit_form=None):
    restock = get_object_or_404(RestockRequest.objects.select_related("supplier", "changed_by"), pk=pk)
    if request.GET.get("format") == "xlsx":
        return xlsx.response(excel.restock_request(restock), f"{_('Restock request')}-{restock.pk}.xlsx")
    lines = list(restock.lines.select_related("product").order_by("product__sku"))
    can_change = selectors.can_change_stock(request.user)
    actions = rules.restock_actions(restock, request.user, may_change=can_change)
    if receive_form is None and "receive" in actions:
        receive_form = ReceiveForm(lines=lines)
    if edit_form is None and "edit" in actions:
        edit_form = EditQuantitiesForm(lines=lines)
    received = selectors.restock_received(restock) if restock.status == RestockRequest.Status.RECEIVED else None
    rows = [(line, receive_form[f"received-{line.product_id}"] if receive_form else None,
             received.get(line.product_id, 0) if received is not None else None,
             edit_form[f"quantity-{line.product_id}"] if edit_form else None) for line in lines]
    return render(request, "inventory/restock_detail.html", {
        "restock": restock, "rows": rows, "actions": actions, "receive_form": receive_form,
        "edit_form": edit_form, "received": received is not None, "history": selectors.restock_history(restock),
    })


@post_only("inventory:restock_detail")
@stock_keeper
def restock_action(request, pk, action):
    restock = get_object_or_404(RestockRequest, pk=pk)
    try:
        alerts.change_restock(restock, action=action, by=request.user)
    except ServiceError as error:
        show_errors(request, error)
    return redirect(restock)


@post_only("inventory:restock_detail")
@stock_keeper
def restock_receive(request, pk):
    restock = get_object_or_404(RestockRequest, pk=pk)
    form = ReceiveForm(request.POST, lines=restock.lines.select_related("product").order_by("product__sku"))
    if not form.is_valid():
        return restock_detail(request, pk, receive_form=form)
    try:
        alerts.receive_restock(restock, received=form.received(), by=request.user)
    except ServiceError as error:
        if "receive" in rules.restock_actions(RestockRequest.objects.get(pk=pk), request.user, may_change=True):
            show_errors(form, error)
            return restock_detail(request, pk, receive_form=form)
        show_errors(request, error)  # received or cancelled meanwhile (a second submit): nothing to fill in
        return redirect(restock)
    messages.success(request, _("The goods are in stock."))
    return redirect(restock)


@post_only("inventory:restock_detail")
@stock_keeper
def restock_edit(request, pk):
    restock = get_object_or_404(RestockRequest, pk=pk)
    form = EditQuantitiesForm(request.POST, lines=restock.lines.select_related("product").order_by("product__sku"))
    if not form.is_valid():
        return restock_detail(request, pk, edit_form=form)
    try:
        changed = alerts.edit_restock_quantities(restock, quantities=form.quantities(), by=request.user)
    except ServiceError as error:
        if "edit" in rules.restock_actions(RestockRequest.objects.get(pk=pk), request.user, may_change=True):
            form.show(error)
            return restock_detail(request, pk, edit_form=form)
        show_errors(request, error)  # sent or cancelled meanwhile: nothing to edit any more
        return redirect(restock)
    if changed:
        messages.success(request, _("The quantities are saved."))
    else:
        messages.info(request, _("No quantity changed."))
    return redirect(restock)
