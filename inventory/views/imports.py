"""Taobao/Tmall imports: uploaded, checked, imported, retried or cancelled, and their files."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from shopteam import stored_files
from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import importing, selectors
from ..forms import (
    TaobaoUploadForm,
)
from ..models import TaobaoImport
from .access import stock_keeper


@stock_keeper
def import_list(request):
    form = TaobaoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        made = []
        try:
            for uploaded in form.cleaned_data["files"]:
                taobao_import = importing.upload(uploaded, filename=uploaded.name, by=request.user)
                made.append(importing.check_soon(taobao_import))
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
    taobao_import = _import(pk)
    problems = Paginator(taobao_import.problems, 100).get_page(request.GET.get("page"))
    return render(request, "inventory/import_detail.html", {"taobao_import": taobao_import, "problems": problems})


@stock_keeper
def import_progress(request, pk):
    """The progress bar, polled by htmx while the file is checked or imported; once done, the whole page."""
    taobao_import = _import(pk)
    if not taobao_import.is_busy:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "inventory/_import_progress.html", {"taobao_import": taobao_import})


@post_only("inventory:import_detail")
@stock_keeper
def import_action(request, pk, action):
    taobao_import = _import(pk)
    try:
        if action == "start":
            taobao_import = importing.start(taobao_import, by=request.user,
                                            skip_bad_rows=request.POST.get("skip_bad_rows") == "1")
        elif action == "retry":
            taobao_import = importing.retry(taobao_import, by=request.user)
        elif action == "cancel":
            importing.cancel(taobao_import, by=request.user)
            messages.info(request, _("The import was cancelled; the file is kept."))
        else:
            raise Http404
    except ServiceError as error:
        show_errors(request, error)
    return redirect(taobao_import)


@stock_keeper
def import_file(request, pk):
    """The file as it was uploaded, for reading later."""
    taobao_import = _import(pk)
    name = importing.file_name(taobao_import)
    if not stored_files.exists(name):
        raise Http404
    return FileResponse(stored_files.open_stored(name), as_attachment=True, filename=taobao_import.filename)
