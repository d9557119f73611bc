"""Document 002's attendance rule (职责五 反馈与考勤: 迟到早退减2分/次, 有效请假减1分/次) as the shop's default data.

A late arrival and an early leave are two kinds that count alike (a person late and gone early the same day loses
2 points twice, as 002 scores each time); the admin may change the points, never the codes the next issue reads."""

# code, name, English, short label, English short label, counts as, points
KINDS = [
    ("late", "迟到", "Late arrival", "迟", "L", "late_or_early", -2),
    ("early", "早退", "Early leave", "早", "E", "late_or_early", -2),
    ("leave", "有效请假", "Approved leave", "假", "V", "leave", -1),
]
