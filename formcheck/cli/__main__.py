"""``python -m formcheck.cli``: the same entry point as the ``formcheck`` command."""

import sys

from formcheck.cli.app import main

if __name__ == "__main__":  # pose pool workers are spawned: they import this module, not run it
    sys.exit(main())
