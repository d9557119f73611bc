"""The analysis app's one write: seeding document 004's staffing rule (safe to run again, never overwrites an
admin's edit; history is written by the models' HistoricalRecords)."""
from django.db import transaction

from roles.models import Post

from . import seeds
from .models import StaffingRole, StaffingThreshold


@transaction.atomic
def seed_staffing() -> dict[str, int]:
    """Create the missing roles with their thresholds, and link each role not yet linked to the playbook's posts
    that exist. Returns how many roles, thresholds and post links were made (all zero on a second run)."""
    made = {"roles": 0, "thresholds": 0, "posts": 0}
    for order, (code, titles, thresholds) in enumerate(seeds.STAFFING):
        role, created = StaffingRole.objects.select_for_update().get_or_create(code=code, defaults={"order": order})
        if created:
            made["roles"] += 1
            for orders_per_day, extra in thresholds:
                StaffingThreshold.objects.create(role=role, orders_per_day=orders_per_day, extra=extra)
                made["thresholds"] += 1
        if not role.posts_seeded:
            posts = list(Post.objects.filter(title__in=titles))
            if posts:
                role.posts.add(*posts)
                role.posts_seeded = True
                role.save(update_fields=["posts_seeded"])
                made["posts"] += len(posts)
    return made
