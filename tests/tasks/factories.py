"""Filing tasks the way people and jobs do (through the service), and many at once for query-count tests and the
benchmark (bulk_create, as the recurrence job writes them)."""
import datetime
import random

from tasks import services
from tasks.models import Task


def file_task(by=None, *, title="整理库房货架", **kwargs):
    """A task filed through create_task; by default a manual one for `by` themselves."""
    if "owner" not in kwargs and "post" not in kwargs:
        kwargs["owner"] = by
    return services.create_task(title=title, by=by, **kwargs)


def bulk_tasks(count, *, people, posts, start, days=365, seed=11, subtasks=0):
    """`count` tasks over `days` from `start`, owned in turn by the people ((user, department) pairs) and the
    posts, in every status and priority: written with bulk_create (the service would take minutes for 20,000)."""
    rng = random.Random(seed)
    owners = [("owner", p) for p in people] + [("post", p) for p in posts]
    tasks = []
    for index in range(count):
        kind, who = owners[index % len(owners)]
        created = start + datetime.timedelta(minutes=rng.randrange(days * 24 * 60))
        due = created + datetime.timedelta(hours=rng.randrange(1, 24 * 14)) if rng.random() < 0.85 else None
        status = rng.choice([Task.Status.TODO, Task.Status.DOING, Task.Status.DONE, Task.Status.DONE])
        done_at = created + datetime.timedelta(hours=rng.randrange(1, 24 * 10)) if status == Task.Status.DONE else None
        if kind == "owner":
            who, department = who
        else:
            department = who.department
        tasks.append(Task(
            title=f"批量任务 {index}", owner=who if kind == "owner" else None, post=who if kind == "post" else None,
            department=department, priority=rng.choice(Task.Priority.values), status=status, due=due,
            source=rng.choice([Task.Source.MANUAL, Task.Source.DUTY, Task.Source.STOCK_ALERT]),
            created_at=created, done_at=done_at, subtask_count=subtasks,
        ))
    return Task.objects.bulk_create(tasks, batch_size=2000)
