"""Getting a price feed's bytes and JSON: a download with an overall deadline, and a parse that sees duplicates.

A download has two clocks: each read waits at most ``FETCH_TIMEOUT_S`` (a silent server), and the
whole download, from connecting to the last byte, at most ``DOWNLOAD_DEADLINE_S`` (a server that
drips a byte every few seconds would otherwise never time out). Every way a download fails is a
``FeedError`` naming the URL, what arrived and why: an HTTP error status, a redirect loop, a body
shorter than its ``Content-Length``, a body over ``MAX_FEED_BYTES``, the deadline.

Python's ``json`` keeps the last of two equal keys in an object and says nothing. The parse here
keeps the first and remembers the others (``repeats``), so the importer can apply one rule to
LiteLLM's repeated model keys and OpenRouter's repeated ids alike (see ``feeds.import_feed``).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

FETCH_TIMEOUT_S = 60.0  # the longest one read may wait for a byte
DOWNLOAD_DEADLINE_S = 300.0  # the longest a whole download may take; LiteLLM's 1.5 MB file takes about a second
MAX_FEED_BYTES = 256 * 2**20  # the largest feed read (LiteLLM's file is about 1.5 MB, OpenRouter's listing 0.5 MB)
MAX_REDIRECTS = 10  # urllib's own limit; a loop is refused sooner
_CHUNK = 64 * 1024


class FeedError(ValueError):
    """A feed or map that cannot be imported at all; the message names the file and the place."""


class FeedObject(dict):  # type: ignore[type-arg]
    """A JSON object whose text repeated a key: the first value is kept, the later ones are in ``repeats``."""

    repeats: list[tuple[str, Any]]


def _keep_first(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    repeats: list[tuple[str, Any]] = []
    for key, value in pairs:
        if key in out:
            repeats.append((key, value))
        else:
            out[key] = value
    if not repeats:
        return out
    obj = FeedObject(out)
    obj.repeats = repeats
    return obj


def repeats_of(obj: object) -> list[tuple[str, Any]]:
    """The (key, later value) pairs an object's text repeated; [] for any other value."""
    return getattr(obj, "repeats", []) if isinstance(obj, dict) else []


def parse_json(raw: bytes, location: str) -> Any:
    """The JSON document in ``raw``; every way it can fail is a FeedError naming the place."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FeedError(f"{location}: the feed is UTF-16 or UTF-32 text (it starts with a byte-order mark); "
                        "a JSON price feed is UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line, column = _line_column(raw[:err.start].decode("utf-8", errors="replace"))
        raise FeedError(f"{location}: line {line}, column {column} (byte {err.start}): byte "
                        f"0x{raw[err.start]:02X} is not UTF-8 text, so not a JSON price feed") from err
    try:
        return json.loads(text, object_pairs_hook=_keep_first)
    except json.JSONDecodeError as err:
        raise FeedError(f"{location}: line {err.lineno}, column {err.colno}: malformed JSON: {err.msg}") from err
    except RecursionError:
        where = _too_deep(text)
        raise FeedError(f"{location}: {where}the JSON nests arrays or objects deeper than the parser can follow "
                        f"(Python's limit is about {sys.getrecursionlimit()} levels); a price feed nests a few") from None
    except ValueError as err:  # e.g. an integer of more digits than Python converts
        raise FeedError(f"{location}: a value cannot be read as JSON: {err}") from err


def _line_column(before: str) -> tuple[int, int]:
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def _too_deep(text: str, limit: int = 200) -> str:
    """'line L, column C: ' where nesting first passes ``limit`` levels (strings skipped), or ''."""
    depth = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line, column = _line_column(text[:m.start()])
                return f"line {line}, column {column}: "
        elif token in "]}":
            depth -= 1
    return ""


class _OnlyHttp(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only, at most MAX_REDIRECTS times (urllib would also follow ftp://)."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not re.match(r"^https?://", newurl, flags=re.IGNORECASE):
            raise urllib.error.HTTPError(newurl, code, f"redirected to {newurl!r}, which is not http(s)", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Download:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.received = 0
        self.expected: int | None = None
        self.error: BaseException | None = None
        self.response: Any = None
        self.cancelled = False
        self.read_timeout_s = FETCH_TIMEOUT_S
        self.done = threading.Event()


def download(url: str, *, deadline_s: float | None = None, read_timeout_s: float | None = None,
             max_bytes: int | None = None) -> bytes:
    """The body at ``url``, or a FeedError naming the URL, the bytes received and what went wrong.

    Defaults are this module's constants, read at each call.
    """
    deadline_s = DOWNLOAD_DEADLINE_S if deadline_s is None else deadline_s
    read_timeout_s = FETCH_TIMEOUT_S if read_timeout_s is None else read_timeout_s
    max_bytes = MAX_FEED_BYTES if max_bytes is None else max_bytes
    state = _Download()
    state.read_timeout_s = min(read_timeout_s, deadline_s)
    started = time.monotonic()

    def work() -> None:
        try:
            opener = urllib.request.build_opener(_OnlyHttp)
            with opener.open(url, timeout=state.read_timeout_s) as response:
                state.response = response
                length = response.headers.get("Content-Length")
                state.expected = int(length) if length and length.strip().isdigit() else None
                while not state.cancelled:
                    chunk = response.read1(_CHUNK)
                    if not chunk:
                        break
                    state.chunks.append(chunk)
                    state.received += len(chunk)
                    if state.received > max_bytes:
                        raise FeedError(f"{url}: the feed is over {max_bytes:,} bytes, more than any price feed; "
                                        "the download was stopped")
        except BaseException as err:  # noqa: BLE001 - handed to the caller's thread
            state.error = err
        finally:
            state.done.set()

    worker = threading.Thread(target=work, name=f"feed download {url}", daemon=True)
    worker.start()
    finished = state.done.wait(deadline_s)
    # A socket timeout capped at the deadline can fire a moment before the wait gives up: that
    # is the deadline too, and reads as one (which of the two fires first is a race).
    capped_timeout = isinstance(state.error, TimeoutError) and read_timeout_s >= deadline_s
    if not finished or capped_timeout:
        state.cancelled = True
        _abort(state.response)
        of = f" of {state.expected:,}" if state.expected is not None else ""
        raise FeedError(f"{url}: the download did not finish within its deadline of {deadline_s:g} s "
                        f"({state.received:,}{of} bytes received in {time.monotonic() - started:.1f} s); "
                        "nothing was imported")
    err = state.error
    if err is not None:
        raise _download_error(url, err, state) from err
    if state.expected is not None and state.received < state.expected:
        raise FeedError(f"{url}: the download is truncated: {state.received:,} of the {state.expected:,} bytes "
                        "the server announced (Content-Length) arrived before the connection closed")
    return b"".join(state.chunks)


def _download_error(url: str, err: BaseException, state: _Download) -> BaseException:
    failed = f"{url}: could not download the feed"
    if isinstance(err, FeedError):
        return err
    if isinstance(err, urllib.error.HTTPError):
        if 300 <= err.code < 400 and "infinite loop" in str(err.msg):
            return FeedError(f"{failed}: HTTP Error {err.code}: the server keeps redirecting (a loop, or more than "
                             f"{MAX_REDIRECTS} redirects; the last to {err.headers.get('Location')!r}); nothing was read")
        return FeedError(f"{failed}: HTTP Error {err.code}: {err.msg}; nothing was imported")
    if isinstance(err, http.client.IncompleteRead):
        return FeedError(f"{url}: the download is truncated: the connection closed after {state.received:,} bytes, "
                         "in the middle of the body")
    if isinstance(err, TimeoutError):
        return FeedError(f"{failed}: no byte arrived for {state.read_timeout_s:g} s or the connection timed out "
                         f"({state.received:,} bytes received)")
    if isinstance(err, (OSError, http.client.HTTPException)):
        reason = getattr(err, "reason", None) or err
        return FeedError(f"{failed}: {reason} ({state.received:,} bytes received)")
    return err


def _abort(response: Any) -> None:
    """Shut the download's socket, so the worker's blocked read returns now (best effort)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def read_local(location: str, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    path = Path(location)
    if not path.is_file():
        raise FeedError(f"{location}: no such file" + (" (it is a folder)" if path.is_dir() else ""))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FeedError(f"{location}: the feed is {size:,} bytes, over the {max_bytes:,} any price feed is")
        return path.read_bytes()
    except OSError as err:
        raise FeedError(f"{location}: cannot be read: {err.strerror or err}") from err
