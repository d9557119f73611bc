"""Write the stock list as the stock page's Excel download does."""
from django.core.management.base import BaseCommand

from inventory import excel, selectors


class Command(BaseCommand):
    help = "Write the stock list (商家编码, 商品名称, 库存, 补货点, …) to FILE.xlsx."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        products = selectors.product_list()
        excel.stock_list(products.iterator(chunk_size=2000)).save(file)
        self.stdout.write(f"{products.count()} product(s) written to {file}.")
