"""Product pages: the stock list, a product and its moves (recorded and reversed), the product form, and the
catalogue uploaded from a spreadsheet."""
import uuid
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam import excel as xlsx
from shopteam import stored_files
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import excel, rules, selectors, services
from ..forms import (
    MoveForm,
    NewProductForm,
    ProductFilters,
    ProductForm,
    ReverseForm,
    UploadForm,
)
from ..models import Product, StockMove, Supplier
from .access import stock_keeper

UPLOAD_SUFFIXES = {".csv", ".xlsx", ".xls", ".txt"}


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
        move.actions = rules.allowed_actions(move, request.user, may_change=can_change)
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
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
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

def keep_upload(uploaded, kind):
    """Store an uploaded file in the storage under uploads/<kind>/ and return its token (its stored name)."""
    suffix = Path(uploaded.name).suffix.lower()
    token = f"{uuid.uuid4().hex}{suffix if suffix in UPLOAD_SUFFIXES else ''}"
    return Path(stored_files.save(f"uploads/{kind}/{token}", uploaded)).name


def kept_upload(kind, token):
    """The storage name of an upload kept by `keep_upload`; 404 for a token that is not one."""
    name = Path(token or "").name
    if not name or name != token or not stored_files.exists(f"uploads/{kind}/{name}"):
        raise Http404
    return f"uploads/{kind}/{name}"


@stock_keeper
def product_import(request):
    """Upload a catalogue, see what it would do, then apply it."""
    form = UploadForm(request.POST or None, request.FILES or None)
    plan = token = filename = None
    if request.method == "POST" and request.POST.get("token"):
        token, filename = request.POST["token"], request.POST.get("filename", "")[:200]
        stored = kept_upload("catalogue", token)
        if request.POST.get("apply"):
            try:
                with stored_files.local_path(stored) as path:
                    done = services.import_catalogue(path, name=filename, by=request.user)
            except ServiceError as error:
                show_errors(request, error)
            else:
                messages.success(request, _("Catalogue imported: %(new)d new, %(changed)d changed, %(same)d "
                                            "unchanged.") % {"new": len(done["new"]), "changed": len(done["changed"]),
                                                             "same": done["unchanged"]})
                stored_files.delete(stored)
                return redirect("inventory:product_list")
        try:
            with stored_files.local_path(stored) as path:
                plan = services.read_catalogue(path, name=filename)
        except ServiceError as error:
            show_errors(request, error)
    elif request.method == "POST" and form.is_valid():
        filename = form.cleaned_data["file"].name
        token = keep_upload(form.cleaned_data["file"], "catalogue")
        try:
            with stored_files.local_path(kept_upload("catalogue", token)) as path:
                plan = services.read_catalogue(path, name=filename)
        except ServiceError as error:
            show_errors(request, error)
            token = None
    return render(request, "inventory/product_import.html", {
        "form": form, "plan": plan, "token": token, "filename": filename, "columns": services.CATALOGUE_COLUMNS,
    })
