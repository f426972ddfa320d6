"""The HTML build: ``jupyter-book build`` with Sphinx's environment kept in ``_build``, so a
build after a change re-reads only the changed pages, and an incremental build writes exactly
the bytes a clean build writes.

Two things stood between Sphinx's own incremental build and a clean build's bytes, both
measured on this book (Sphinx 7.4.7, myst-nb 1.4.0):

- myst-nb copies its stylesheet into ``_static`` only when the build finishes, after the pages
  are written. Sphinx appends ``?v=<checksum>`` to a stylesheet link only when the file is
  already in the output, so a clean build linked ``mystnb.<hash>.css`` bare and every later
  build linked it with ``?v=``. We copy it when the builder starts, so every build links it the
  same way.
- Sphinx rewrites a changed page and the pages whose toctree includes it, but every page's
  sidebar and its previous/next links show the other pages' titles. A changed title (or a label,
  a glossary term, a toctree: what other pages point at) left the sidebar of every other page
  stale. When what a re-read page shows to other pages changed, or a page was added or removed,
  we have Sphinx rewrite every page (from its stored doctree; nothing else is re-read).
- Sphinx's search index forgets the index entries (the glossary's terms) of every page it does
  not rewrite: it reloads words and titles from the last ``searchindex.js`` but not its
  ``indexentries``, and the environment it pickles was saved before the pages were indexed. We
  reload them from the same file, drop them for the pages being rewritten as Sphinx does for
  words, and dump them in one order (by page, then entry) whatever order the pages were written.

And one thing made builds re-read pages that had not changed: Sphinx calls a page changed when
its file is newer than its last reading, and the refresh replaces the notebook of every chapter
it ran, also when the new one has the same bytes (the trust chapter runs after any other). We
keep each page's sha256 in the environment and do not re-read a page whose bytes, dependencies
and configuration are unchanged (Sphinx still writes its HTML again, from the stored doctree).

As a command, ``python -m lib.book.htmlbuild ARGS`` runs ``jupyter-book ARGS`` without
importing ``rfc3987_syntax``: jsonschema (which checks ``_config.yml``) imports it if it is
installed and it builds a parser at import, about 5 s of every build on this machine; the only
loss is jsonschema's "iri" format check, which the book's configuration never uses.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import time
from typing import Any

EXTENSION = "lib.book.htmlbuild"


def outward(env: Any, docname: str) -> tuple:
    """What other pages show of ``docname``: its titles, its labels and terms, its toctree."""
    std = env.get_domain("std")
    title = env.titles.get(docname)
    longtitle = env.longtitles.get(docname)
    return (
        title.astext() if title is not None else None,
        longtitle.astext() if longtitle is not None else None,
        sorted((k, tuple(v)) for k, v in std.labels.items() if v[0] == docname),
        sorted((k, tuple(v)) for k, v in std.anonlabels.items() if v[0] == docname),
        sorted((k, tuple(v)) for k, v in std.objects.items() if v[0] == docname),
        tuple(env.toctree_includes.get(docname, ())),
    )


def _sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _record_sha256(app: Any, doctree: Any) -> None:
    env = app.env
    if not hasattr(env, "book_source_sha256"):
        env.book_source_sha256 = {}
    env.book_source_sha256[env.docname] = _sha256(env.doc2path(env.docname))


def _forget_sha256(app: Any, env: Any, docname: str) -> None:
    getattr(env, "book_source_sha256", {}).pop(docname, None)


def _merge_sha256(app: Any, env: Any, docnames: set[str], other: Any) -> None:
    if not hasattr(env, "book_source_sha256"):
        env.book_source_sha256 = {}
    for docname in docnames:
        if docname in getattr(other, "book_source_sha256", {}):
            env.book_source_sha256[docname] = other.book_source_sha256[docname]


def _unchanged(env: Any, docname: str) -> bool:
    """Same bytes as when last read, no dependency newer than that reading, its doctree stored."""
    known = getattr(env, "book_source_sha256", {}).get(docname)
    if known is None or docname not in env.all_docs or docname in env.reread_always:
        return False
    if not os.path.isfile(os.path.join(env.doctreedir, docname + ".doctree")):
        return False
    read_at_s = env.all_docs[docname] / 1e6  # Sphinx 7.4 keeps the reading time in microseconds
    for dep in env.dependencies.get(docname, ()):
        dep_path = os.path.join(env.srcdir, dep)
        if not os.path.isfile(dep_path) or os.path.getmtime(dep_path) > read_at_s:
            return False
    return _sha256(env.doc2path(docname)) == known


def _skip_unchanged(app: Any, env: Any, docnames: list[str]) -> None:
    from sphinx.environment import CONFIG_OK

    if env.config_status != CONFIG_OK:  # a configuration change can change every page
        return
    for docname in [d for d in docnames if _unchanged(env, d)]:
        docnames.remove(docname)
        env.all_docs[docname] = time.time_ns() // 1_000  # as if read now: not considered again


class _Tracker:
    """What the re-read pages showed before this build re-read them."""

    def __init__(self) -> None:
        self.before: dict[str, tuple] = {}
        self.added_or_removed = False

    def outdated(self, app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
        # Only pages that existed before count as "added" here; on a clean build every page is
        # new and Sphinx writes them all anyway.
        self.added_or_removed = bool(removed) or bool(added and env.all_docs)
        return []

    def before_read(self, app: Any, env: Any, docnames: list[str]) -> None:
        self.before = {d: outward(env, d) for d in docnames if d in env.all_docs}

    def updated(self, app: Any, env: Any) -> list[str]:
        moved = [d for d, seen in self.before.items() if outward(env, d) != seen]
        if self.added_or_removed or moved:
            return sorted(env.found_docs)
        return []


def _keep_index_entries() -> None:
    """Patch Sphinx's IndexBuilder so an incremental build keeps the other pages' index entries."""
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder, "_book_keeps_index_entries", False):
        return
    load, prune, freeze = IndexBuilder.load, IndexBuilder.prune, IndexBuilder.freeze

    def load_with_entries(self: Any, stream: Any, format: Any) -> None:
        text = stream.read()
        load(self, io.StringIO(text) if isinstance(text, str) else io.BytesIO(text), format)
        fmt = self.formats[format] if isinstance(format, str) else format
        frozen = fmt.loads(text)
        index2fn = frozen["docnames"]
        entries: dict[str, set[tuple[str, str, str]]] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, entry_id, main in places:
                # The file keeps the entry lower-cased and ``main`` as a flag; freeze() writes
                # exactly that back, so nothing it shows is lost.
                entries.setdefault(index2fn[doc], set()).add((entry, entry_id, "main" if main else ""))
        self._index_entries.clear()
        self._index_entries.update({doc: sorted(found) for doc, found in entries.items()})

    def prune_entries(self: Any, docnames: Any) -> None:
        keep = set(docnames)
        prune(self, keep)
        for doc in [d for d in self._index_entries if d not in keep]:
            del self._index_entries[doc]

    def freeze_in_order(self: Any) -> Any:
        ordered = {doc: sorted(found, key=lambda e: (e[0].lower(), e[1], e[2]))
                   for doc, found in sorted(self._index_entries.items())}
        self._index_entries.clear()
        self._index_entries.update(ordered)
        return freeze(self)

    IndexBuilder.load = load_with_entries
    IndexBuilder.prune = prune_entries
    IndexBuilder.freeze = freeze_in_order
    IndexBuilder._book_keeps_index_entries = True


def _copy_mystnb_css_first(app: Any) -> None:
    if app.builder is not None and app.builder.format == "html":
        from myst_nb.sphinx_ext import add_global_html_resources

        os.makedirs(os.path.join(app.builder.outdir, "_static"), exist_ok=True)
        add_global_html_resources(app, None)


def setup(app: Any) -> dict[str, Any]:
    tracker = _Tracker()
    _keep_index_entries()
    app.connect("builder-inited", _copy_mystnb_css_first)
    app.connect("env-get-outdated", tracker.outdated)
    app.connect("doctree-read", _record_sha256)
    app.connect("env-purge-doc", _forget_sha256)
    app.connect("env-merge-info", _merge_sha256)
    app.connect("env-before-read-docs", _skip_unchanged, priority=400)  # before the tracker looks
    app.connect("env-before-read-docs", tracker.before_read)
    app.connect("env-get-updated", tracker.updated)
    # The hashes in the environment are merged after a parallel read (env-merge-info).
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}


def main(argv: list[str] | None = None) -> None:
    sys.modules.setdefault("rfc3987_syntax", None)  # see the module's docstring
    from jupyter_book.cli.main import main as jupyter_book

    jupyter_book(args=list(sys.argv[1:] if argv is None else argv), prog_name="jupyter-book")


if __name__ == "__main__":
    main()
