"""``import-prices``: import a price feed into the project's data/snapshots/ (the book is not re-run).

This is the book's importer, ``lib.prices.import_cli`` (``python -m lib.prices.feeds``), called as it
is: the same checks, the same lock on the checkout, the same refusal to replace the snapshot the
book runs on. It writes into the project found from the working directory (the nearest folder
holding ``_toc.yml`` and ``data/``): run it inside the checkout. Exit codes are the importer's:
0 imported, 1 refused or failed (the reason on stderr), 2 usage, 75 the checkout's lock is held;
and 66 when the feed is a local file that does not exist.
"""

from __future__ import annotations

import argparse

from lib.cli import inputs
from lib.cli.helptext import help_text
from lib.data.dates import as_of_argument
from lib.prices import import_cli
from lib.prices.feeds import FEED_FORMATS


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-prices", help="import a LiteLLM or OpenRouter price feed into data/snapshots/",
                       description=help_text(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("location", help="the feed: a file or an http(s) URL")
    p.add_argument("--feed", choices=FEED_FORMATS, default="litellm")
    # Checked here too, so a bad day is refused before anything is read (the importer checks it again).
    p.add_argument("--as-of", required=True, type=as_of_argument, help="the date the prices are from, YYYY-MM-DD")
    p.add_argument("--source", default="", help="how the book names the feed")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    location = args.location
    if not location.lower().startswith(("http://", "https://")):
        # The importer resolves nothing against the project: a relative path is the user's own.
        location = str(inputs.user_path(location, "the price feed"))
    argv = [location, "--feed", args.feed, "--as-of", args.as_of]
    if args.source:
        argv += ["--source", args.source]
    return import_cli.main(argv)
