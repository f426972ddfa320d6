"""One chart look for the whole book, and a renderer that works in the offline HTML.

Altair's own HTML renderer loads Vega from a CDN and gives every chart a random id. The book
renderer instead emits a ``div`` with an id derived from the spec and a ``vegaEmbed`` call;
the Vega runtime itself is served from ``book/_static/vendor`` (see tools/vendor_vega.sh), so
pages draw charts with no network and nbval compares chart outputs exactly.

In live Jupyter there is no book page to load that runtime, and Altair's default renderer
fetches it from a CDN, so a reader offline or behind a proxy sees no chart. The live renderer
therefore carries the vendored runtime inline in each chart's output (about 0.8 MB, held only
in the browser: Jupytext writes no outputs back to the ``.py`` chapter).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt


THEME_NAME = "book"
RENDERER_NAME = "book"
LIVE_RENDERER_NAME = "book-live"
RUNTIME_PATH = "book/_static/vendor/vega-bundle.min.js"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#c23b4b", "#7a5195", "#8c6d31", "#2a9d8f", "#6c757d"]
_counter = itertools.count(1)


@alt.theme.register(THEME_NAME, enable=False)
def book_theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig({
        "config": {
            "font": _FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 320, "stroke": None},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555", "subtitleFontSize": 12},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6", "domainColor": "#888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "range": {"category": _PALETTE},
            "bar": {"color": _PALETTE[0]},
            "point": {"color": _PALETTE[0], "filled": True, "size": 60},
            "line": {"color": _PALETTE[0], "strokeWidth": 2},
        }
    })


def _script_safe_json(spec: dict[str, Any]) -> str:
    """JSON that cannot close the surrounding <script> (a model name may hold '</script>')."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def book_renderer(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    """text/html with a deterministic id and an inline vegaEmbed call; text/plain names the chart."""
    payload = _script_safe_json(spec)
    digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]
    chart_id = f"chart-{digest}-{next(_counter)}"
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    html = (
        f'<div id="{chart_id}" class="book-chart"></div>\n'
        f"<script>(function(){{var spec={payload};"
        f'var el=document.getElementById("{chart_id}");'
        "if(typeof vegaEmbed==='undefined'){el.textContent='This chart needs the book\\'s vega-bundle.min.js.';return;}"
        'vegaEmbed(el,spec,{"actions":false,"renderer":"svg"}).catch(function(e){el.textContent=String(e);});'
        "})();</script>"
    )
    return {"text/html": html, "text/plain": f"<chart: {title or 'untitled'}>"}


@lru_cache(maxsize=1)
def _runtime_script() -> str:
    """The vendored Vega runtime as an inline script that defines vegaEmbed once per page."""
    path = Path(__file__).resolve().parents[2] / RUNTIME_PATH  # the repo this lib was installed from
    if not path.exists():
        raise FileNotFoundError(f"{path}: the vendored chart runtime is missing; run tools/vendor_vega.sh")
    # Only "</script" ends an inline script; in JS strings and regexes "<\/script" means the same.
    code = re.sub(r"</(script)", r"<\\/\1", path.read_text(encoding="utf-8"), flags=re.IGNORECASE)
    return f"<script>if(typeof vegaEmbed==='undefined'){{\n{code}\n}}</script>\n"


def live_renderer(spec: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    """The book renderer with the chart runtime inline, for Jupyter with no network."""
    bundle = book_renderer(spec, **kwargs)
    return {**bundle, "text/html": _runtime_script() + bundle["text/html"]}


alt.renderers.register(RENDERER_NAME, book_renderer)
alt.renderers.register(LIVE_RENDERER_NAME, live_renderer)


def use_book_style(for_html_book: bool) -> None:
    """Enable the book theme; render for the offline HTML book, or for Jupyter with the runtime inline."""
    alt.theme.enable(THEME_NAME)
    alt.data_transformers.disable_max_rows()
    alt.renderers.enable(RENDERER_NAME if for_html_book else LIVE_RENDERER_NAME)
