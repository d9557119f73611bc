"""Raising cases the way staff do, and building many cases at once for dashboard and benchmark tests."""
from escalation import services
from roles.models import Difficulty
from roles.selectors import posts_held


def raise_difficulty(team, name, *, description="店里出了状况", reporter=None):
    """Raise a difficulty as its group's leader, or as `reporter` from the post they hold in that group."""
    difficulty = Difficulty.objects.select_related("post").get(name=name)
    reporter = reporter or team.holder(difficulty.post.title)
    post = next(p for p in posts_held(reporter) if p.department_id == difficulty.post.department_id)
    return services.raise_case(by=reporter, post=post, difficulty=difficulty, description=description)


def bulk_cases(count, *, team, start, days=365, seed=7):
    """`count` cases spread over `days` from `start`, through every difficulty and outcome, written with
    bulk_create (the services would take minutes for 50,000): for dashboard tests and the benchmark."""
    import random
    from datetime import timedelta

    from escalation.models import Case, CaseEvent
    from roles.models import Post

    rng = random.Random(seed)
    difficulties = list(Difficulty.objects.select_related("post").prefetch_related("steps"))
    leaders = {p.department_id: p for p in Post.objects.filter(is_leader=True)}
    cases, outcomes = [], []
    for index in range(count):
        difficulty = difficulties[index % len(difficulties)]
        steps = list(difficulty.steps.all())
        chain = [
            {"department": s.department_id, "post": leaders[s.department_id].pk, "minutes": s.deadline_minutes}
            for s in steps
        ]
        created = start + timedelta(minutes=rng.randrange(days * 24 * 60))
        step = rng.randrange(len(chain))
        resolved = rng.random() < 0.8
        minutes = [rng.randrange(10, 400) for _ in range(step + 1)]
        case = Case(
            reporter=team.holder(difficulty.post.title), post=difficulty.post,
            department_id=difficulty.post.department_id,
            difficulty=difficulty, title=f"{difficulty.name} #{index}", description="批量生成", chain=chain,
            step=step, current_post=None if resolved else leaders[steps[step].department_id],
            status=Case.Status.RESOLVED if resolved else rng.choice([Case.Status.WAITING, Case.Status.IN_PROGRESS]),
            deadline=None if resolved else created + timedelta(hours=rng.randrange(1, 48)),
            resolved_at=created + timedelta(hours=rng.randrange(1, 72)) if resolved else None,
            resolution="已解决" if resolved else "", resolved_step=step if resolved else None,
            handler=team.holder(leaders[steps[step].department_id].title) if resolved else None,
            working_minutes=sum(minutes) if resolved else None,
            reached_manager=step == len(chain) - 1, hop=step + 1,
        )
        cases.append(case)
        outcomes.append((created, step, minutes, resolved))
    Case.objects.bulk_create(cases, batch_size=2000)
    # created_at is auto_now_add: set the spread afterwards, in one UPDATE per batch of cases.
    from django.db.models import Case as When_
    from django.db.models import Value, When

    for offset in range(0, len(cases), 2000):
        chunk = list(zip(cases[offset:offset + 2000], outcomes[offset:offset + 2000], strict=True))
        Case.objects.filter(pk__in=[c.pk for c, _o in chunk]).update(
            created_at=When_(*[When(pk=c.pk, then=Value(o[0])) for c, o in chunk])
        )
    events = []
    for case, (_created, step, minutes, resolved) in zip(cases, outcomes, strict=True):
        for index in range(step + 1):
            if index < step:
                kind = CaseEvent.Kind.PASSED_ON
            elif resolved:
                kind = CaseEvent.Kind.RESOLVED
            else:
                continue
            events.append(CaseEvent(case=case, kind=kind, step=index, working_minutes=minutes[index]))
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    Contact = Case.contacts.through
    Contact.objects.bulk_create(
        (
            Contact(case_id=case.pk, user_id=team.holder(case.current_post.title).pk)
            for case in cases
            if case.current_post
        ),
        batch_size=5000,
    )
    return cases
