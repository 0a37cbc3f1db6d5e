"""``python -m hamilton_nb``: the ``hamilton-nb`` command line (see ``hamilton_nb.cli``)."""

import sys

from hamilton_nb.cli import main

sys.exit(main())
