"""Document 004's staffing by daily orders (seeds/PLAYBOOK.md), as the default data of the staffing rule."""

# role code, posts of roles.playbook that do the work, [(from paid orders a day, people added)]
STAFFING = [
    ("customer_service", ["客服组组长", "客服A"], [(50, 1), (150, 1)]),
    ("promotion", ["营销策划组组长"], [(50, 1)]),
    ("analysis", ["数据分析组组长"], [(250, 1)]),
    ("packing", ["产品组组长"], [(50, 1), (150, 1)]),
]
