"""factory_boy factories for the org chart, and a builder for the playbook's demo team."""
import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from roles import playbook
from roles.models import Assignment, Department, Post
from roles.services import sync_department_groups

PASSWORD = "a-test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@shop.example")
    password = factory.django.Password(PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"岗位{n}")
    title_en = factory.Sequence(lambda n: f"Post {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    post = factory.SubFactory(PostFactory)
    start = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))


class Team(dict):
    """username -> user, with the posts by title at `.posts`."""

    def holder(self, title):
        return self[next(u for u, _n, titles in playbook.DEMO_PEOPLE if title in titles)]


class TeamBuilder:
    def build(self):
        team = Team()
        team.posts = {post.title: post for post in Post.objects.all()}
        for username, full_name, titles in playbook.DEMO_PEOPLE:
            user = UserFactory(username=username, first_name=full_name)
            for title in titles:
                AssignmentFactory(user=user, post=team.posts[title])
            team[username] = user
        sync_department_groups()
        return team
