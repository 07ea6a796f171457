"""``python -m app`` is the same as the ``yichuang`` command."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # Batches of certificates render on spawned worker processes, which import this module
    # again: the guard keeps them from starting the command, freeze_support serves frozen builds.
    multiprocessing.freeze_support()
    sys.exit(main())
