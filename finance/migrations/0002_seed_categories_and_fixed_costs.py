"""The playbook's ledger categories and document 004's yearly tool costs (finance/seeds.py), added when missing;
an admin's later edits are never overwritten."""
from django.db import migrations

# Frozen copies, so this migration means the same thing if seeds.py changes later.
CATEGORIES = [
    ("taobao-sales", "淘宝销售收入", "Taobao sales", "income", "sales"),
    ("taobao-refunds", "淘宝退款", "Taobao refunds", "expense", "refunds"),
    ("non-operating-income", "营业外收入", "Non-operating income", "income", "non_operating"),
    ("non-operating-expense", "营业外支出", "Non-operating expense", "expense", "non_operating"),
    ("promotion-ztc", "直通车", "Through-train ads (直通车)", "expense", "promotion"),
    ("promotion-zuanzhan", "钻展", "Diamond booth (钻石展位)", "expense", "promotion"),
    ("promotion-taobaoke", "淘宝客", "Taobao affiliates (淘宝客)", "expense", "promotion"),
    ("promotion-juhuasuan", "聚划算", "Group buying (聚划算)", "expense", "promotion"),
    ("promotion-chaojimaiba", "超级卖霸", "Super seller (超级卖霸)", "expense", "promotion"),
    ("promotion-qianzhuang", "钱庄", "Qianzhuang (钱庄)", "expense", "promotion"),
    ("supplier-settlement", "供应商结算", "Supplier settlement", "expense", "supplier"),
    ("payroll", "工资", "Payroll", "expense", "payroll"),
    ("shipping", "快递物流", "Shipping", "expense", "shipping"),
    ("tools", "软件工具", "Tools and software", "expense", "tools"),
    ("other-income", "其他收入", "Other income", "income", "other"),
    ("other-expense", "其他支出", "Other expense", "expense", "other"),
]
FIXED_COSTS = [
    ("店铺智能模板", "1188.00", "装修店铺智能模板费用：1188元/1年"),
    ("生e经专业版", "500.00", "生意经专业版（生e经）500/1年"),
    ("生意参谋·市场行情专业版", "3096.00", "生意参谋专业版：市场行情专业版 3096.00/1年"),
    ("生意参谋·竞争情报", "2827.68", "竞争情报 2827.68/1年"),
    ("爱用商品管理高级版", "98.00", "爱用商品管理高级版：98元/1年"),
    ("打快递单软件", "300.00", "打快递单软件：300元/1年"),
]


def seed(apps, schema_editor):
    from decimal import Decimal

    Category = apps.get_model("finance", "Category")
    FixedCost = apps.get_model("finance", "FixedCost")
    for order, (code, name, name_en, kind, group) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "group": group, "order": order}
        )
    tools = Category.objects.get(code="tools")
    for name, amount, note in FIXED_COSTS:
        FixedCost.objects.get_or_create(
            name=name, defaults={"category": tools, "yearly_amount": Decimal(amount), "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
