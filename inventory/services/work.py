"""The work the storeroom sets people: tasks filed for a department's post (idempotently, a key per
subject and role), and the new product's work for the visual, marketing and customer-service groups."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import selectors as roles_selectors
from roles.models import Department, Post
from shopteam.errors import ServiceError
from shopteam.people import display_name
from tasks.models import Task

from ..models import Product

if TYPE_CHECKING:  # a development dependency: never imported when the app runs
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

CUSTOMER_SERVICE, PRODUCT, VISUAL, MARKETING = "customer-service", "product", "visual", "marketing"


def in_shop_language(text: StrOrPromise, **params: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % params if params else str(text)


def post_for(department_code: str) -> Post | None:
    """The post that should take a department's work: its leader post if someone holds it, else another post of
    the department that someone holds, else the shop manager's; None if all are vacant."""
    department = Department.objects.filter(code=department_code).first()
    posts = list(Post.objects.filter(department=department).order_by("-is_leader", "order", "pk")) if department else []
    manager = roles_selectors.manager_post()
    for post in [*posts, *([manager] if manager else [])]:
        if roles_selectors.holders(post):
            return post
    return None


def file_task(*, department: str, title: str, detail: str, source: str, subject: models.Model, key: str,
              priority: str = "normal", work: str = "") -> tuple[Task, str] | tuple[None, str]:
    """File a task for the department's post (see post_for). Returns (task, problem): a task cannot be filed to
    nobody, so with every post vacant the problem says so and the caller records it."""
    from tasks.services import create_task

    post = post_for(department)
    if post is None:
        return None, _("Nobody holds a post in %(department)s, nor the shop manager's: no task was filed.") % {
            "department": department}
    try:
        return create_task(title=title, detail=detail, source=source, subject=subject, key=key, post=post,
                           priority=priority, work=work), ""
    except ServiceError as error:
        return None, "; ".join(str(m) for m in error.messages)


# --- new products ------------------------------------------------------------------------------------------

# role, department, title, detail (the playbook's words: the product group tells the visual group to list new
# products, marketing to promote them and customer service to push them).
NEW_PRODUCT_WORK = [
    ("photos", VISUAL, gettext_lazy("Photograph the new product %(sku)s %(name)s"),
     gettext_lazy("Photograph and post-process %(name)s for its listing. Added by %(by)s.")),
    ("listing", VISUAL, gettext_lazy("List the new product %(sku)s %(name)s"),
     gettext_lazy("Put %(name)s (商家编码 %(sku)s) on sale in the shop, with its photos. Added by %(by)s.")),
    ("promotion", MARKETING, gettext_lazy("Promote the new product %(sku)s %(name)s"),
     gettext_lazy("Plan how %(name)s is promoted. Added by %(by)s.")),
    ("briefing", CUSTOMER_SERVICE, gettext_lazy("Brief customer service on the new product %(sku)s %(name)s"),
     gettext_lazy("Learn %(name)s so customer service can answer questions and recommend it. Added by %(by)s.")),
]


def file_new_product_tasks(product: Product, *, by: User | None) -> list[Task]:
    """The new product's tasks: photos and listing for the visual group, promotion for marketing, a briefing for
    customer service, each about the product and filed once (key product-<id>:<role>)."""

    params = {"sku": product.sku, "name": product.name, "by": display_name(by) or in_shop_language(
        gettext_lazy("Shopteam"))}
    filed = []
    for role, department, title, detail in NEW_PRODUCT_WORK:
        task, problem = file_task(
            department=department, title=in_shop_language(title, **params), detail=in_shop_language(detail, **params),
            source="new_product", subject=product, key=f"product-{product.pk}:{role}", work=role,
        )
        if problem:
            logger.warning("new product %s: %s task not filed: %s", product.sku, role, problem)
        filed.append(task)
    return [task for task in filed if task is not None]


# --- low stock ---------------------------------------------------------------------------------------------
