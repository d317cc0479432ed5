from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.catalog.excel import ImportFailed, catalog_import


class Command(BaseCommand):
    help = "从 .xlsx 工作簿导入事项目录：先检查每一行，有任何错误则不做任何修改并列出全部错误。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将做的修改，不写入数据库")

    def handle(self, *args, file: str, dry_run: bool, **options):
        if not Path(file).is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            summary = catalog_import(file, dry_run=dry_run)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：发现 {len(failure.errors)} 处错误，数据库未做任何修改。") from None
        self.stdout.write(str(summary))
