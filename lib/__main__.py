"""``python -m lib``: the cost library's command line (``lib.cli``)."""

import sys

from lib.cli import main

sys.exit(main())
