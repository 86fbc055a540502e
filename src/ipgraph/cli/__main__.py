"""``python -m ipgraph.cli``: the ``ipgraph`` command without its installed script."""

import sys

from ipgraph.cli import main

sys.exit(main())
