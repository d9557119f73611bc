"""The org chart and the playbook, with the invariants that keep a difficulty's contact chain callable. One module
per noun; Django finds the models imported here."""
from .duties import Duty
from .org import Assignment, AssignmentQuerySet, Bilingual, Department, Post
from .playbook import Difficulty, Step

__all__ = ["Assignment", "AssignmentQuerySet", "Bilingual", "Department", "Difficulty", "Duty", "Post", "Step"]
