from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.my_tasks, name="mine"),
    path("board/", views.board, name="board"),
    path("list/", views.task_list, name="list"),
    path("list.xlsx", views.export, name="export"),
    path("new/", views.create_task, name="create"),
    path("missed/", views.missed, name="missed"),
    path("standup/", views.standup, name="standup"),
    path("standup/team/", views.standup_team, name="standup_team"),
    path("standup/<int:pk>/", views.standup_detail, name="standup_detail"),
    path("standup/<int:pk>/raise/", views.raise_blocker, name="raise_blocker"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.edit_task, name="edit"),
    path("<int:pk>/move/", views.move_task, name="move"),
    path("<int:pk>/subtasks/", views.add_subtask, name="add_subtask"),
    path("<int:pk>/subtasks/<int:subtask_pk>/", views.tick_subtask, name="tick_subtask"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
]
