"""Everyone can read the org chart and each post's duties, difficulties and today's contacts."""
import pytest
from django.urls import reverse

from roles.models import Assignment, Post

pytestmark = pytest.mark.django_db


def test_org_chart_shows_holders_vacancies_and_people_with_several_posts(client, team):
    Assignment.objects.filter(post__title="摄影A").delete()
    client.force_login(team["kefu_a"])
    page = client.get(reverse("roles:org_chart")).content.decode()
    assert "王店长" in page and "赵客服" in page
    assert page.count("郑营销") >= 2  # holds the marketing and the data-analysis post
    assert "兼任 2 个岗位" in page or "holds 2 posts" in page
    assert "空缺" in page or "vacant" in page


def test_post_page_lists_duties_difficulties_and_the_people_to_call(client, team):
    client.force_login(team["photo_a"])
    post = Post.objects.get(title="客服组组长")
    page = client.get(reverse("roles:post_detail", args=[post.pk])).content.decode()
    assert "接待来访顾客" in page
    assert "协助视觉组上传宝贝" in page
    assert "客服忙碌" in page and "售后困难" in page
    # 客服忙碌: the marketing leader (郑营销 today), then the shop manager (王店长).
    section = page.split('data-difficulty="cs-overloaded"')[1].split("</section>")[0]
    assert section.index("郑营销") < section.index("王店长")


def test_a_vacant_contact_is_shown_as_skipped(client, team):
    Assignment.objects.filter(post__title="营销策划组组长").delete()
    client.force_login(team["kefu_lead"])
    post = Post.objects.get(title="客服组组长")
    page = client.get(reverse("roles:post_detail", args=[post.pk])).content.decode()
    section = page.split('data-difficulty="cs-overloaded"')[1].split("</section>")[0]
    assert "空缺" in section or "vacant" in section


def test_unknown_post_is_404(client, team):
    client.force_login(team["kefu_a"])
    assert client.get(reverse("roles:post_detail", args=[99999])).status_code == 404


def test_my_posts_shows_both_posts_of_a_person_with_two(client, team):
    client.force_login(team["marketing_lead"])
    page = client.get(reverse("roles:my_posts")).content.decode()
    assert "营销策划组组长" in page and "数据分析组组长" in page


def test_org_chart_query_count_does_not_grow_with_people(client, team, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AssignmentFactory

    client.force_login(team["kefu_a"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("roles:org_chart"))
    for _ in range(30):
        AssignmentFactory(post=Post.objects.get(title="客服A"))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("roles:org_chart"))
