"""``python -m edge_digits`` is the ``edge-digits`` command."""
import sys

from .cli import main

sys.exit(main())
