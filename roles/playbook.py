"""The shop's playbook (seeds/PLAYBOOK.md, section 000) as data: the product's default org chart.

Chinese is the playbook's own wording; English stands beside it. Departments are keyed by code, posts by
title, difficulties by code; `load_playbook` creates what is missing and never overwrites an admin's edit.
"""

import datetime

MANAGER = "manager"

DEPARTMENTS = [
    # code, name, English, is the manager's office
    (MANAGER, "店长", "Shop manager's office", True),
    ("customer-service", "客服组", "Customer-service group", False),
    ("finance", "财务组", "Finance group", False),
    ("product", "产品组", "Product (warehouse) group", False),
    ("visual", "视觉组", "Visual group", False),
    ("marketing", "营销策划组", "Marketing & planning group", False),
    ("data-analysis", "数据分析组", "Data-analysis group", False),
]

# Departments that do not work office hours: department code -> work schedule code
# (shopteam.workcalendar.services.SCHEDULES). Customer service answers buyers evenings, weekends and holidays.
DEPARTMENT_SCHEDULES = {"customer-service": "customer-service"}

# title, English, department code, is leader, reports to (title or None)
POSTS = [
    ("店长", "Shop manager", MANAGER, True, None),
    ("客服组组长", "Customer-service leader", "customer-service", True, "店长"),
    ("客服A", "Customer-service agent A", "customer-service", False, "客服组组长"),
    ("财务组组长", "Finance leader", "finance", True, "店长"),
    ("产品组组长", "Product (warehouse) leader", "product", True, "店长"),
    ("视觉组组长", "Visual leader", "visual", True, "店长"),
    ("摄影A", "Photographer A", "visual", False, "视觉组组长"),
    ("营销策划组组长", "Marketing & planning leader", "marketing", True, "店长"),
    ("数据分析组组长", "Data-analysis leader", "data-analysis", True, "店长"),
]

MAIN, SUPPORTING = "main", "supporting"

# post title -> [(kind, Chinese, English)]
DUTIES = {
    "店长": [
        (MAIN, "统筹全店运营，处理各组不能解决的困难", "Run the whole shop; settle every difficulty the groups cannot solve"),
        (MAIN, "审阅各组上报的数据与报表，决定店铺方向", "Review the groups' figures and reports and set the shop's course"),
    ],
    "客服组组长": [
        (MAIN, "接待来访顾客，解答顾客问题，引导顾客完成购买", "Receive visiting customers, answer their questions and guide them to complete the purchase"),
        (MAIN, "按公司规定处理售后问题，配合产品组，将售后损失降到最低", "Handle after-sales per company rules, work with the product group and keep after-sales losses minimal"),
        (MAIN, "进行顾客调查，将结果反馈给产品组、视觉组、策划组和数据分析组", "Survey customers and feed the results to the product, visual, planning and data-analysis groups"),
        (MAIN, "兼职盘点：定期协助产品组清点和整理库房", "Part-time stocktaking: help the product group count and tidy the storeroom regularly"),
        (MAIN, "对已售商品进行打包、检查和发货", "Pack, check and ship sold goods"),
        (SUPPORTING, "协助视觉组上传宝贝", "Help the visual group list products"),
        (SUPPORTING, "协助视觉组拍摄商品", "Help the visual group photograph products"),
        (SUPPORTING, "及时通知产品组调整库存数量", "Tell the product group promptly to adjust stock quantities"),
    ],
    "客服A": [
        (MAIN, "售前接待：解答顾客问题，引导顾客完成购买", "Pre-sales: answer customers' questions and guide them to complete the purchase"),
        (MAIN, "协助组长打包、检查和发货", "Help the leader pack, check and ship"),
    ],
    "财务组组长": [
        (MAIN, "记录每一笔淘宝交易的收入与支出", "Record every Taobao transaction, in and out"),
        (MAIN, "记录营业外收入与支出", "Record non-operating income and expense"),
        (MAIN, "每月11日至15日向食草堂提供销售数据并与其结算货款", "Every month on the 11th–15th, give Shicaotang (食草堂) its sales data and settle payment with it"),
        (MAIN, "编制月度、季度和年度报表，供管理层使用", "Compile monthly, quarterly and annual reports for management"),
        (MAIN, "管理食草堂产品销售所开具的发票", "Manage the invoices issued for Shicaotang product sales"),
        (SUPPORTING, "协助营销策划组做推广费用预算", "Help marketing budget promotion spending"),
        (SUPPORTING, "向数据分析组提供考核所需的数据", "Give the data-analysis group the figures that assessments (考核) need"),
    ],
    "产品组组长": [
        (MAIN, "盘点并核对库房", "Stocktake and reconcile the storeroom"),
        (MAIN, "将已售商品出库", "Take sold goods out of stock"),
        (MAIN, "关注库存，缺货时通知厂家补货", "Watch stock levels and ask the manufacturer to restock what runs out"),
        (MAIN, "与食草堂工厂保持长期联系，引进新品，并通知视觉组上架、营销策划组推广、客服组推荐", "Keep a lasting relation with the Shicaotang factory, bring in new products, and tell the visual group to list them, marketing to promote them and customer service to push them"),
        (MAIN, "每月11日至15日向食草堂提供上一自然月的销售报表", "On the 11th–15th give Shicaotang last natural month's sales report"),
        (MAIN, "向客服组发出缺货预警", "Warn the customer-service group of low stock"),
        (MAIN, "向营销策划组提供库存报表，供其制定推广计划", "Give marketing stock reports for its promotion plans"),
        (MAIN, "打包已售商品", "Pack the goods sold"),
        (SUPPORTING, "向数据分析组提供数据", "Give data to the data-analysis group"),
        (SUPPORTING, "向营销策划组提供数据", "Give data to the marketing group"),
        (SUPPORTING, "向客服组提供详细的库存信息", "Give customer service detailed stock information"),
    ],
    "视觉组组长": [
        (MAIN, "设计与装修店铺", "Design and decorate the shop"),
        (MAIN, "拍摄商品照片并进行后期处理", "Photograph products and post-process the photos"),
        (MAIN, "上传宝贝（登录产品）", "List products (宝贝上传)"),
        (MAIN, "为营销策划组制作钻石展位、超级卖霸等广告元素", "Make ads and other elements for marketing (钻石展位, 超级卖霸)"),
        (SUPPORTING, "协助其他店铺的美工工作", "Help other shops with art work"),
    ],
    "摄影A": [
        (MAIN, "拍摄商品照片", "Photograph products"),
        (MAIN, "协助组长进行图片后期处理", "Help the leader post-process photos"),
    ],
    "营销策划组组长": [
        (MAIN, "推广整个店铺", "Promote the whole shop"),
        (MAIN, "安排付费推广：直通车、钻石展位、超级卖霸、淘宝客、钱庄、聚划算", "Arrange paid promotion: 直通车, 钻石展位, 超级卖霸, 淘宝客, 钱庄, 聚划算"),
        (MAIN, "策划并执行免费推广", "Plan and run unpaid promotion"),
        (MAIN, "策划、协调并执行全年店铺活动", "Plan, coordinate and run the year's shop events"),
        (MAIN, "向数据分析组提供数据", "Give data to the data-analysis group"),
        (SUPPORTING, "协助客服工作", "Help customer service"),
        (SUPPORTING, "协助视觉组拍摄和制作图片", "Help the visual group with photos and images"),
        (SUPPORTING, "协助库房打包", "Help the storeroom pack"),
        (SUPPORTING, "向数据分析组提供数据", "Give data to the data-analysis group"),
    ],
    "数据分析组组长": [
        (MAIN, "按月、季、年分析店铺数据，报告店长", "Analyse the shop's figures monthly, quarterly and yearly for the shop manager"),
        (MAIN, "汇总客服组的工作数据，用于考核", "Summarise the customer-service group's work figures for assessment"),
        (MAIN, "汇总视觉组的工作数据，用于考核", "Summarise the visual group's work figures for assessment"),
        (MAIN, "汇总营销策划组的工作数据，用于考核", "Summarise the marketing group's work figures for assessment"),
        (MAIN, "定期根据数据向各组提出建议", "Advise every group regularly from the data"),
        (SUPPORTING, "协助客服工作", "Help customer service"),
        (SUPPORTING, "协助视觉组处理图片", "Help the visual group with images"),
        (SUPPORTING, "协助财务组收集数据", "Help finance with data collection"),
        (SUPPORTING, "协助营销策划组做策划", "Help marketing with planning"),
        (SUPPORTING, "协助产品组打包", "Help the product group with packing"),
    ],
}

# The duties that repeat, and how (documents 000 and 001; README "Tasks"): load_duty_recurrences gives each its
# recurrence once. A duty not in DUTIES above is added to its post by it: the shop manager's daily stand-up
# (document 001), customer service's daily follow-up of unpaid and unrated orders (documents 002 and 003), and
# finance's quarterly and yearly reports, which DUTIES lists in one line with the monthly one. The supplier's
# report and settlement on the 11th–15th repeat too, but the supplier cycle (finance) files those tasks itself,
# one pair per supplier and month, linked to that month's report: a recurrence here would file them twice.
# post title, kind, Chinese, English, recurrence fields
RECURRING_DUTIES = [
    ("店长", MAIN, "主持每日站会：各人汇报昨日进展和今日计划", "Hold the daily stand-up: everyone reports yesterday's progress and today's plan",
     {"recurrence": "daily", "due_time": datetime.time(10, 0), "task_title": "主持每日站会"}),
    ("产品组组长", MAIN, "盘点并核对库房", "Stocktake and reconcile the storeroom",
     {"recurrence": "weekly", "recurrence_weekday": 4, "task_title": "每周盘点库房"}),
    ("财务组组长", MAIN, "编制月度、季度和年度报表，供管理层使用", "Compile monthly, quarterly and annual reports for management",
     {"recurrence": "monthly", "recurrence_day": 10, "lead_days": 3, "task_title": "编制上月月度报表"}),
    ("财务组组长", MAIN, "编制季度报表，供管理层使用", "Compile the quarterly report for management",
     {"recurrence": "quarterly", "recurrence_month": 1, "recurrence_day": 20, "lead_days": 7, "task_title": "编制上季度报表"}),
    ("财务组组长", MAIN, "编制年度报表，供管理层使用", "Compile the annual report for management",
     {"recurrence": "yearly", "recurrence_month": 1, "recurrence_day": 31, "lead_days": 14, "task_title": "编制上年度报表"}),
    ("数据分析组组长", MAIN, "按月、季、年分析店铺数据，报告店长", "Analyse the shop's figures monthly, quarterly and yearly for the shop manager",
     {"recurrence": "monthly", "recurrence_day": 5, "lead_days": 2, "task_title": "上月店铺数据分析"}),
    ("客服A", MAIN, "跟进当天下单未付款的订单，以及发货7天后仍未评价的订单", "Follow up orders placed but unpaid today, and orders still unrated 7 days after delivery",
     {"recurrence": "daily", "due_time": datetime.time(22, 0), "task_title": "跟进未付款和未评价订单"}),
]

# code, post title, name, English, condition, English condition, chain of department codes (last: manager)
DIFFICULTIES = [
    ("cs-overloaded", "客服组组长", "客服忙碌", "Customer service overloaded",
     "某一时刻在岗客服无法应对的顾客咨询量", "At some moment the on-duty agents cannot answer the number of customer enquiries",
     ["marketing", MANAGER]),
    ("after-sales", "客服组组长", "售后困难", "After-sales trouble",
     "顾客提出的要求超出公司规定，或公司规定没有涉及", "A customer's claim exceeds company rules, or no rule covers it",
     [MANAGER]),
    ("bookkeeping-overloaded", "财务组组长", "记录统计繁忙", "Bookkeeping overloaded",
     "销售激增带来的记录和统计工作，财务无法及时完成", "Finance cannot keep up with the entries and statistics that a sales surge brings",
     ["data-analysis", MANAGER]),
    ("stocktake-incomplete", "产品组组长", "盘点不清", "Stocktake cannot be completed",
     "进出货物太多，现有人手无法清点", "Goods in and out are so many that the present hands cannot count them",
     ["customer-service", "marketing", MANAGER]),
    ("too-many-photos", "视觉组组长", "拍照量大", "Too many photos",
     "新品太多，本组无法按时完成拍摄", "So many new products that the group cannot finish photographing on schedule",
     ["customer-service", "marketing", MANAGER]),
    ("listing-backlog", "视觉组组长", "登录产品", "Listing backlog",
     "新品太多，本组无法按时完成宝贝上传", "So many new products that the group cannot finish listing on schedule",
     ["customer-service", "marketing", MANAGER]),
    ("promotion-spending", "营销策划组组长", "财务支出", "Promotion spending",
     "付费推广需要现金或网上汇款", "Paid promotion needs cash or an online remittance",
     ["finance", MANAGER]),
    ("ad-material", "营销策划组组长", "广告素材", "Ad material",
     "推广需要广告素材（原文截断；由视觉组提供为推断）",
     "The promotion needs material (the source text is cut off; the visual group as the contact is inferred)",
     ["visual", MANAGER]),
    ("data-collection", "数据分析组组长", "收集困难", "Data collection",
     "所需数据来自其他组，而他们无法直接提供", "The data must come from other groups and they cannot provide it directly",
     [MANAGER]),
]

# username, full name, post titles held (the marketing leader also holds the data-analysis post: the
# playbook counts eight people, so that post is a second one held by someone already counted).
DEMO_PEOPLE = [
    ("manager", "王店长", ["店长"]),
    ("kefu_lead", "李客服", ["客服组组长"]),
    ("kefu_a", "赵客服", ["客服A"]),
    ("finance_lead", "钱财务", ["财务组组长"]),
    ("product_lead", "孙产品", ["产品组组长"]),
    ("visual_lead", "周视觉", ["视觉组组长"]),
    ("photo_a", "吴摄影", ["摄影A"]),
    ("marketing_lead", "郑营销", ["营销策划组组长", "数据分析组组长"]),
]
DEMO_ADMIN = ("admin", "系统管理员")
DEMO_PASSWORD = "shopteam-demo"
