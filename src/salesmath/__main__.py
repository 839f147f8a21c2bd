"""``python -m salesmath`` runs the ``salesmath`` command."""

import sys

from salesmath.cli import main

sys.exit(main())
