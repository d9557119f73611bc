"""Negative review pages: the open list, a new review, one review with its contacts and outcome."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from shopteam.decorators import post_only
from shopteam.errors import ServiceError, show_errors

from .. import rules, selectors, services
from ..forms import CloseReviewForm, ContactForm, CorrectionForm, ReviewForm
from ..models import AfterSalesSettings, Review
from .access import desk


@desk
def review_list(request):
    closed = request.GET.get("closed") == "1"
    page = Paginator(selectors.review_list(closed=closed), 50).get_page(request.GET.get("page"))
    return render(request, "aftersales/review_list.html", {"page": page, "closed": closed})


@desk
def review_create(request):
    form = ReviewForm(request.POST or None, initial={"order_id": request.GET.get("order", "")},
                      counts_neutral=AfterSalesSettings.current().counts_neutral_reviews)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.record_review(by=request.user, order_id=data["order_id"], rating=data["rating"],
                                            left_on=data["left_on"], text_=data["text"])
        except ServiceError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect(review)
    return render(request, "aftersales/record_form.html", {"form": form, "title": _("New negative review")})


@desk
def review_detail(request, pk):
    review = get_object_or_404(Review.objects.select_related("order", "recorded_by", "withdrawn_by"), pk=pk)
    return render(request, "aftersales/review_detail.html", {
        "review": review, "order": review.order, "actions": rules.allowed_actions(review, request.user),
        "contact_form": ContactForm(), "close_form": CloseReviewForm(), "correction_form": CorrectionForm(),
        "correctable": services.correctable_fields(Review), "history": selectors.history(review=review),
        "correct_kind": "review",
    })


@post_only("aftersales:review")
@desk
def review_contact(request, pk):
    review = get_object_or_404(Review, pk=pk)
    form = ContactForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("Write what was said."))
        services.record_review_contact(review, by=request.user, note=form.cleaned_data["note"])
    except ServiceError as error:
        show_errors(request, error)
    return redirect(review)


@post_only("aftersales:review")
@desk
def review_close(request, pk):
    review = get_object_or_404(Review, pk=pk)
    form = CloseReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("Choose the outcome: withdrawn, changed or kept."))
        services.close_review(review, by=request.user, **form.cleaned_data)
    except ServiceError as error:
        show_errors(request, error)
    return redirect(review)
