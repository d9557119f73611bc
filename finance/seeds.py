"""The finance data the playbook and document 004 give: the ledger's categories and the yearly tool costs.

Loaded by the data migration (0002) into an empty table and never overwriting an admin's edit; kept here so the
README, the tests and the demo read the same list.
"""
from decimal import Decimal

INCOME, EXPENSE = "income", "expense"

# code, Chinese name, English name, income/expense, group
CATEGORIES = [
    ("taobao-sales", "淘宝销售收入", "Taobao sales", INCOME, "sales"),
    ("taobao-refunds", "淘宝退款", "Taobao refunds", EXPENSE, "refunds"),
    ("non-operating-income", "营业外收入", "Non-operating income", INCOME, "non_operating"),
    ("non-operating-expense", "营业外支出", "Non-operating expense", EXPENSE, "non_operating"),
    # Marketing's paid channels (营销策划组组长, main duty 2).
    ("promotion-ztc", "直通车", "Through-train ads (直通车)", EXPENSE, "promotion"),
    ("promotion-zuanzhan", "钻展", "Diamond booth (钻石展位)", EXPENSE, "promotion"),
    ("promotion-taobaoke", "淘宝客", "Taobao affiliates (淘宝客)", EXPENSE, "promotion"),
    ("promotion-juhuasuan", "聚划算", "Group buying (聚划算)", EXPENSE, "promotion"),
    ("promotion-chaojimaiba", "超级卖霸", "Super seller (超级卖霸)", EXPENSE, "promotion"),
    ("promotion-qianzhuang", "钱庄", "Qianzhuang (钱庄)", EXPENSE, "promotion"),
    ("supplier-settlement", "供应商结算", "Supplier settlement", EXPENSE, "supplier"),
    ("payroll", "工资", "Payroll", EXPENSE, "payroll"),
    ("shipping", "快递物流", "Shipping", EXPENSE, "shipping"),
    ("tools", "软件工具", "Tools and software", EXPENSE, "tools"),
    ("other-income", "其他收入", "Other income", INCOME, "other"),
    ("other-expense", "其他支出", "Other expense", EXPENSE, "other"),
]

SALES, REFUNDS, SETTLEMENT, TOOLS = "taobao-sales", "taobao-refunds", "supplier-settlement", "tools"

# Document 004, 初期固定费用 (fixed yearly costs of the first stage): name, CNY per year, what the document says.
FIXED_COSTS = [
    ("店铺智能模板", Decimal("1188.00"), "装修店铺智能模板费用：1188元/1年"),
    ("生e经专业版", Decimal("500.00"), "生意经专业版（生e经）500/1年"),
    ("生意参谋·市场行情专业版", Decimal("3096.00"), "生意参谋专业版：市场行情专业版 3096.00/1年"),
    ("生意参谋·竞争情报", Decimal("2827.68"), "竞争情报 2827.68/1年"),
    ("爱用商品管理高级版", Decimal("98.00"), "爱用商品管理高级版：98元/1年"),
    ("打快递单软件", Decimal("300.00"), "打快递单软件：300元/1年"),
]
