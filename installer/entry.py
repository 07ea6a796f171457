"""Entry point of the frozen program (PyInstaller runs this file as ``__main__``).

Batches of certificates render in spawned worker processes. In a frozen build such a worker is
the program itself started again with multiprocessing's arguments: ``freeze_support()`` must run
first, before anything else, so that the worker does its job and exits instead of starting the
command line (and a second window).
"""

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()
    from app.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
