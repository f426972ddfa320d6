"""The cost library as a command line: ``python -m lib`` or the ``inference-cost`` console script.

    inference-cost price --input-tokens 12000 --output-tokens 800 --cached-input-tokens 8000
    inference-cost attribute examples/calls.csv --by tenant,feature --out costs.csv
    inference-cost import-prices feed.json --feed litellm --as-of 2026-11-23

One module per command (``price``, ``attribute``, ``import_prices``), each calling the library's
tested code; ``exits`` documents the exit codes. A refusal is one message on stderr and a
non-zero exit, never a traceback: the library's errors already name the file, row, column and
reason, and they are printed as they are.
"""

from __future__ import annotations

import argparse
import os
import sys

from lib.cli import attribute, exits, import_prices, price
from lib.cli.exits import DATA_ERROR, NO_INPUT, CliError
from lib.data.validation import DataValidationError
from lib.prices.billing import BillingError

PROG = "inference-cost"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Price requests and attribute call logs with the book's "
                                                       "cost library.", epilog=_exit_codes_help(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (price, attribute, import_prices):
        command.add_parser(sub)
    return p


def _exit_codes_help() -> str:
    return exits.__doc__.split("\n\n", 1)[1].strip()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # a bad command line exits 2 here, with argparse's message
    try:
        return int(args.run(args))
    except CliError as err:
        return _refuse(str(err), err.code)
    except DataValidationError as err:  # a malformed file: the problems name file, row, column and reason
        return _refuse(str(err), DATA_ERROR)
    except BillingError as err:
        return _refuse(str(err), DATA_ERROR)
    except FileNotFoundError as err:
        return _refuse(str(err), NO_INPUT)
    except ValueError as err:  # the library's refusals of a log or a price table it cannot cost
        return _refuse(str(err), DATA_ERROR)
    except BrokenPipeError:  # `... | head`: the reader left; say nothing more, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE
    except KeyboardInterrupt:
        return _refuse("interrupted", 130)  # 128 + SIGINT, as a shell reports it


def _refuse(message: str, code: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
