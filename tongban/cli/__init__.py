"""The `tongban` command line: run the platform, load the demo data, check, and move the catalog in and out
as Excel. Each command is a thin adapter over a Django management command or an app's services.

Exit codes: 0 done, 1 the command ran and failed (the reason is on stderr, in Chinese), 2 wrong usage,
130 interrupted. Django is set up only by the commands that need it, so `--help` stays instant.
"""

import os
import sys
from collections.abc import Sequence

from .commands import EXIT_FAILED, EXIT_INTERRUPTED, CommandFailed
from .parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from django.core.management.base import CommandError

    from tongban.core.errors import DomainError

    try:
        return args.handler(args)
    except BrokenPipeError:  # the reader went away (`tongban openapi | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\n已中断。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (CommandFailed, CommandError, DomainError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
