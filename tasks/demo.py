"""A small, believable week of work for the demo team, added through the services (safe to run again: each task has
a key, a stand-up is rewritten only if its text changed, a move to the status a task already has changes nothing)."""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from roles.models import Post
from roles.services import load_duty_recurrences
from shopteam.workcalendar.calc import calendar_for

from . import services
from .models import Task

# key, filed by, for (username or post title), title, priority, working days from today, subtasks, status
TASKS = [
    ("stock-rose", "manager", "产品组组长", "双十二备货：核对玫瑰花茶和桂花乌龙的库存", "high", 2,
     ["盘点库房现有数量", "对照上月销量估算需求", "向食草堂下补货单"], "doing"),
    ("cs-scripts", "kefu_lead", "kefu_a", "整理售后常见问题话术", "normal", 1, ["退货", "换货", "差评回复"], "todo"),
    ("photo-osmanthus", "visual_lead", "photo_a", "拍摄新品桂花乌龙主图和详情页", "high", 3,
     ["白底主图 5 张", "场景图 3 张", "详情页长图"], "todo"),
    ("listing-osmanthus", "visual_lead", "视觉组组长", "上传新品桂花乌龙宝贝", "normal", 4, [], "todo"),
    ("campaign-1212", "marketing_lead", "marketing_lead", "策划双十二店铺活动", "urgent", 2,
     ["确定满减档位", "报名聚划算", "准备直通车预算"], "doing"),
    ("ledger-nov", "finance_lead", "finance_lead", "核对11月淘宝交易流水", "normal", 5, [], "todo"),
    ("packing", "manager", "客服组组长", "补充打包材料：纸箱和气泡膜", "low", 1, [], "done"),
    ("report-review", "manager", "manager", "审阅各组上周数据", "normal", 1, [], "done"),
]

STANDUPS = {
    "kefu_a": ("回复咨询 56 条，处理退货 3 单", "跟进未付款订单，整理售后话术", ""),
    "photo_a": ("拍完玫瑰花茶场景图", "拍桂花乌龙主图", "摄影灯坏了一盏，影响白底图"),
    "product_lead": ("盘点了 A 区货架", "核对备货数量", ""),
}


def load():
    """Add the demo's tasks and stand-ups; returns a short summary."""
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(username__in={row[1] for row in TASKS} | set(STANDUPS))}
    people |= {u.username: u for u in User.objects.filter(username__in={row[2] for row in TASKS})}
    load_duty_recurrences()
    recurring = services.create_recurring_tasks()
    now = timezone.now()
    filed = 0
    for key, by, owner, title, priority, days, subtasks, status in TASKS:
        if by not in people:
            continue
        target = {"owner": people[owner]} if owner in people else {"post": Post.objects.get(title=owner)}
        existing = Task.objects.filter(source=Task.Source.MANUAL, key=f"demo-{key}").first()
        task = existing or services.create_task(
            title=title, by=people[by], priority=priority, due=_working_day(days, now, target), subtasks=subtasks,
            key=f"demo-{key}", **target,
        )
        filed += existing is None
        if task.status != status and existing is None:
            services.move_task(task, by=people[by], status=status)
    for username, (yesterday, today, blockers) in STANDUPS.items():
        if username in people:
            services.write_standup(by=people[username], yesterday=yesterday, today=today, blockers=blockers)
    return (f"{filed} tasks filed, {recurring['created']} from repeating duties, "
            f"{len(STANDUPS)} stand-ups for today")


def _working_day(days, now, target):
    """The date `days` working days from today in the owner's calendar."""
    post = target.get("post") or services.main_post(target["owner"])
    calendar = calendar_for(post.department if post else None)
    day = timezone.localdate(now)
    while days:
        day += datetime.timedelta(days=1)
        days -= calendar.is_working_day(day)
    return day
