"""Find everything a built page would fetch from another host.

A reader offline, or behind a proxy that allows only the book's own site, must see every
chart, font and style. This scans the built HTML and CSS for resources the browser loads by
itself: scripts, stylesheets, icons, images, media, frames, fonts and CSS imports, plus URLs
inside inline scripts and styles. Links a reader may click (``<a href>``) are not fetches.
JavaScript that fetches at run time is caught by the browser tests, which block and record
every request that leaves localhost.

Run ``python -m lib.book.offline _build/html``: it lists each fetch with file and line and
exits non-zero if there is one.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# URLs that appear in inline code but are names, not fetches: XML namespaces and the
# Vega-Lite schema id (vega-embed reads its version, it never downloads it).
NOT_FETCHED_PREFIXES = (
    "http://www.w3.org/",
    "https://www.w3.org/",
    "https://vega.github.io/schema/",
)
_URL_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
    "frame": ("src",), "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "embed": ("src",),
    "object": ("data",), "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}
# <link> rels that only name a page and never make the browser load it.
_LINK_RELS_NOT_FETCHED = {"canonical", "alternate", "author", "license", "help", "search", "next", "prev",
                          "index", "top", "first", "last", "up", "bookmark"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
_ANY_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s'"<>)\\]*""")


@dataclass(frozen=True)
class ExternalFetch:
    """One resource a page or stylesheet would load from another host."""

    file: str
    line: int
    what: str  # e.g. "<script src>", "css url()", "inline <script>"
    url: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what} {self.url}"


def is_external(url: str) -> bool:
    """True for http(s) and protocol-relative URLs; relative paths and data: URIs stay local."""
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//")) and not url.startswith(NOT_FETCHED_PREFIXES)


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


class _PageScanner(HTMLParser):
    def __init__(self, file: str) -> None:
        super().__init__(convert_charrefs=True)
        self.file = file
        self.found: list[ExternalFetch] = []
        self._in: str | None = None  # "script" or "style" while inside one

    def _add(self, what: str, url: str) -> None:
        if is_external(url):
            self.found.append(ExternalFetch(self.file, self.getpos()[0], what, url))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link" and values.get("href"):
            rels = set(values.get("rel", "").lower().split())
            if not rels or not rels <= _LINK_RELS_NOT_FETCHED:
                self._add(f"<link rel={values.get('rel', '')!r} href>", values["href"])
        for attr in _URL_ATTRS.get(tag, ()):
            if values.get(attr):
                urls = _srcset_urls(values[attr]) if attr == "srcset" else [values[attr]]
                for url in urls:
                    self._add(f"<{tag} {attr}>", url)
        if values.get("style"):
            for match in _CSS_URL.finditer(values["style"]):
                self._add("inline style url()", match.group(1) or match.group(2))
        if tag in ("script", "style") and not values.get("src"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            for match in _CSS_URL.finditer(data):
                self._add("<style> url()", match.group(1) or match.group(2))
        elif self._in == "script":
            for match in _ANY_URL.finditer(data):
                self._add("inline <script>", match.group(0))


def scan_html(path: Path, root: Path) -> list[ExternalFetch]:
    scanner = _PageScanner(str(path.relative_to(root)))
    scanner.feed(path.read_text(encoding="utf-8", errors="replace"))
    scanner.close()
    return scanner.found


def scan_css(path: Path, root: Path) -> list[ExternalFetch]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = []
    for match in _CSS_URL.finditer(text):
        url = match.group(1) or match.group(2)
        if is_external(url):
            found.append(ExternalFetch(str(path.relative_to(root)), text.count("\n", 0, match.start()) + 1,
                                       "css url()", url))
    return found


def external_fetches(html_dir: str | Path) -> list[ExternalFetch]:
    """Every external fetch in every .html and .css file under a built book."""
    root = Path(html_dir)
    if not (root / "index.html").exists():
        raise FileNotFoundError(f"{root}: no index.html; build the book first (make html)")
    found: list[ExternalFetch] = []
    for path in sorted(root.rglob("*")):
        if path.suffix == ".html":
            found += scan_html(path, root)
        elif path.suffix == ".css":
            found += scan_css(path, root)
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    html_dir = Path(args[0] if args else "_build/html")
    found = external_fetches(html_dir)
    pages = sum(1 for _ in html_dir.rglob("*.html"))
    for fetch in found:
        print(fetch)
    print(f"offline scan: {pages} pages, {len(found)} external fetch(es)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
