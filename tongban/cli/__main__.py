"""`python -m tongban.cli`: how `tongban serve` starts its worker with the same interpreter."""

import sys

from tongban.cli import main

sys.exit(main())
