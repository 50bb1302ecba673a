"""``python -m formcheck.cli``: the same entry point as the ``formcheck`` command."""

import sys

from formcheck.cli.app import main

sys.exit(main())
