from django.core.management.base import BaseCommand, CommandError

from tongban.catalog.excel import catalog_export
from tongban.core.errors import DomainError


class Command(BaseCommand):
    help = "把事项目录导出为 .xlsx 工作簿（可只导出一个部门或一个地区的实施清单）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要写入的 .xlsx 文件")
        parser.add_argument(
            "--organization", metavar="USCC", help="只导出该部门（统一社会信用代码）的实施清单"
        )
        parser.add_argument("--city", metavar="KEY", help="只导出该地区（行政区划标识，如 420100）的实施清单")

    def handle(self, *args, file: str, organization: str | None, city: str | None, **options):
        try:
            counts = catalog_export(file, organization=organization, city=city)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        rows = "，".join(f"{sheet} {count} 行" for sheet, count in counts.items())
        self.stdout.write(f"已导出到 {file}：{rows}。")
