"""``python -m lib.prices.feeds LOCATION --feed litellm|openrouter --as-of YYYY-MM-DD``: import a price
feed into data/snapshots/ without re-running the book, holding the checkout's lock, and never
replacing the snapshot the book runs on with different prices (the refresh does that, together
with re-running the chapters on them)."""

from __future__ import annotations

import argparse
import sys

from lib.data import tables
from lib.data.dates import as_of_argument
from lib.data.lock import EXIT_LOCKED, CheckoutLocked, LockFileError, checkout_lock
from lib.data.paths import project_root
from lib.data.validation import DataValidationError
from lib.prices.feeds import (FEED_FORMATS, IN_USE_FILE, FeedError, import_feed, load_feed_map, read_feed_json,
                              snapshot_paths, to_csv_text, write_snapshot)


def main(argv: list[str] | None = None) -> int:
    """Import a feed into data/snapshots without re-running the book (the refresh does both)."""
    parser = argparse.ArgumentParser(description="Import a price feed into data/snapshots/ (the book is not re-run).")
    parser.add_argument("location", help="the feed: a file or an http(s) URL")
    parser.add_argument("--feed", choices=FEED_FORMATS, default="litellm")
    parser.add_argument("--as-of", required=True, type=as_of_argument, help="the date the prices are from, YYYY-MM-DD")
    parser.add_argument("--source", default="", help="how the book names the feed")
    args = parser.parse_args(argv)
    root = project_root()
    try:
        doc, location = read_feed_json(args.location)
        result = import_feed(doc, args.feed, location=location, source=args.source or f"{args.feed} feed {location}",
                             as_of=args.as_of, guide_prices=tables.load_api_prices(root / "data" / "api_prices.csv"),
                             feed_map=load_feed_map(root / "data" / "price_feed_map.csv"))
    except (FeedError, DataValidationError) as err:
        print(f"import failed: {err}", file=sys.stderr)
        return 1
    try:
        with checkout_lock(root, what="an import of prices (python -m lib.prices.feeds)"):
            prices_path, issues_path = snapshot_paths(root, result.feed_format, result.as_of)
            pointer = root / IN_USE_FILE
            in_use = pointer.read_text(encoding="utf-8").strip() if pointer.exists() else ""
            new_text = to_csv_text(result.prices, tables.API_PRICES.column_names)
            if (in_use == prices_path.relative_to(root).as_posix() and prices_path.exists()
                    and prices_path.read_text(encoding="utf-8") != new_text):
                # The book was computed from the file there now; replacing it alone would leave
                # every chapter answering on prices it does not show. The refresh replaces both.
                print(f"import refused: {prices_path.relative_to(root)} is the snapshot the book runs on "
                      f"({pointer.relative_to(root)}) and these prices differ from it; run `make refresh "
                      f"PRICES=... AS_OF={args.as_of}` to import them and re-run the book on them together",
                      file=sys.stderr)
                return 1
            prices_path, issues_path = write_snapshot(result, root)
    except CheckoutLocked as err:
        print(f"import refused: {err}", file=sys.stderr)
        return EXIT_LOCKED
    except LockFileError as err:
        print(f"import failed: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"import failed: cannot write {err.filename} ({err.strerror}); data/snapshots/ was left as it was",
              file=sys.stderr)
        return 1
    print(result.summary())
    print(f"wrote {prices_path.relative_to(root)} and {issues_path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
