"""Allow ``python -m micropop``, the same as the ``micropop`` command."""

import sys

from micropop.cli import main

sys.exit(main())
