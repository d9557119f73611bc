"""Org chart pages, open to every signed-in member of staff."""
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import Post


def org_chart(request):
    departments = list(selectors.org_chart())
    posts = [post for department in departments for post in department.posts.all()]
    held = {}
    for post in posts:
        for assignment in post.current:
            held.setdefault(assignment.user_id, []).append(post)
    roots = [post for post in posts if post.reports_to_id is None]
    children = {}
    for post in posts:
        children.setdefault(post.reports_to_id, []).append(post)
    return render(
        request,
        "roles/org_chart.html",
        {"departments": departments, "roots": roots, "children": children, "held": held},
    )


def post_detail(request, pk):
    try:
        post = selectors.post_page(pk)
    except Post.DoesNotExist:
        raise Http404 from None
    return render(request, "roles/post_detail.html", {"post": post})


def my_posts(request):
    posts = [selectors.post_page(post.pk) for post in selectors.posts_held(request.user)]
    return render(request, "roles/my_posts.html", {"posts": posts})
