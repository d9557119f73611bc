"""Shipping tests: the demo team, with a packer who holds a post in the product group under its leader."""
import pytest

from roles.models import Post
from roles.services import sync_department_groups
from tests.factories import AssignmentFactory, PostFactory, UserFactory
from tests.inventory.factories import TaobaoOrderFactory, TaobaoOrderLineFactory


@pytest.fixture
def packer(team):
    """打包员: a member of the product group (产品组) who reports to its leader."""
    leader = Post.objects.get(title="产品组组长")
    post = PostFactory(department=leader.department, title="打包员", title_en="Packer", reports_to=leader)
    user = UserFactory(username="packer", first_name="钱打包")
    AssignmentFactory(user=user, post=post)
    sync_department_groups()
    return user


def paid_order(*, lines=1, **fields):
    """A paid order waiting to ship, with `lines` lines (each a new product on shelf A-1)."""
    order = TaobaoOrderFactory(**fields)
    for _ in range(lines):
        TaobaoOrderLineFactory(order=order, product__shelf="A-1")
    return order


def all_lines(order):
    return list(order.lines.values_list("pk", flat=True))
