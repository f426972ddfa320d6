"""The command line's exit codes (from sysexits.h where one fits) and the error that carries one.

exit codes:
  0   done
  1   import-prices only: the importer refused or failed (its own code, passed through unchanged)
  2   usage: an unknown option, command, dimension or engine, a count or a day that is not one
  65  EX_DATAERR: an input that is there but wrong (a malformed log, price or feed file), or a
      request no model can bill
  66  EX_NOINPUT: an input file or folder that does not exist
  69  EX_UNAVAILABLE: --engine spark without pyspark or without a Java runtime
  73  EX_CANTCREAT: the output file cannot be written
  75  EX_TEMPFAIL: another command holds the checkout's lock (import-prices); try again later
"""

from __future__ import annotations

from lib.data.lock import EXIT_LOCKED

OK = 0
IMPORT_FAILED = 1  # lib.prices.import_cli's own code, kept so the two entry points agree
USAGE = 2  # argparse's code for a bad command line
DATA_ERROR = 65
NO_INPUT = 66
UNAVAILABLE = 69
CANT_CREATE = 73
LOCKED = EXIT_LOCKED  # 75: the checkout lock's code, one definition


class CliError(Exception):
    """A refusal to print as one message (no traceback) and exit with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
