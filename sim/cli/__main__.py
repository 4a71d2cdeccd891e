"""``python -m sim.cli``: the command line, as the ``networker-sim`` script starts it."""

import sys

from sim.cli import main

sys.exit(main())
