"""A real copy of LiteLLM's price database, taken from the LiteLLM wheel on PyPI.

The wheel carries ``litellm/model_prices_and_context_window_backup.json``. It is downloaded with
``pip download --no-deps`` (PyPI is reachable wherever the book installs) and the JSON is read
out of the zip; LiteLLM itself is never installed or imported.

    python -m lib.prices.litellm_wheel [--version 1.109.1] [--dest DIR]

prints the path of the extracted JSON and the version it came from.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_MEMBER = "litellm/model_prices_and_context_window_backup.json"
DEFAULT_DEST = Path(tempfile.gettempdir()) / "book-price-feeds"


def fetch_litellm_prices(version: str | None = None, dest: Path = DEFAULT_DEST) -> tuple[Path, str]:
    """(path to the JSON, LiteLLM version). A version already extracted in ``dest`` is reused."""
    dest.mkdir(parents=True, exist_ok=True)
    if version:
        cached = dest / f"litellm-{version}-model_prices.json"
        if cached.exists():
            return cached, version
    with tempfile.TemporaryDirectory() as tmp:
        spec = f"litellm=={version}" if version else "litellm"
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                               "--disable-pip-version-check", "--quiet", spec, "-d", tmp],
                              capture_output=True, text=True)
        wheels = sorted(Path(tmp).glob("litellm-*.whl"))
        if proc.returncode != 0 or not wheels:
            raise RuntimeError(f"pip download {spec} failed: {proc.stderr.strip()[-2000:]}")
        wheel = wheels[0]
        found_version = wheel.name.split("-")[1]
        target = dest / f"litellm-{found_version}-model_prices.json"
        with zipfile.ZipFile(wheel) as zf:
            if WHEEL_MEMBER not in zf.namelist():
                raise RuntimeError(f"{wheel.name} has no {WHEEL_MEMBER}; LiteLLM moved its price file")
            part = target.with_suffix(".part")
            part.write_bytes(zf.read(WHEEL_MEMBER))
            part.replace(target)
    return target, found_version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", help="a LiteLLM release (default: the newest on PyPI)")
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args(argv)
    path, version = fetch_litellm_prices(args.version, args.dest)
    print(f"{path}\t{version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
