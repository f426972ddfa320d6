# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The book's data, to download
#
# **The question.** Which facts is every figure in this book computed from, where does each come
# from, and how can I take them into my own spreadsheet?
#
# **The answer.** {glue:text}`od_answer`
#
# Each file's link below downloads it as it is in the repository, with nothing to serve: the page
# carries the file. Its columns name their units (`input_usd_per_mtok`, `hourly_usd`); its `source`
# and `as_of` columns say, row by row, where a fact came from and when. `data/README.md` describes
# every column. Every table in the other chapters has its own download link under it too.

# %% tags=["parameters"]
# The data folder and its description (paths relative to the project root).
data_dir = "data"
readme_md = "data/README.md"
# Render charts for the offline HTML book (the refresh sets this) or for live Jupyter.
for_html_book = False

# %% tags=["hide-input"]
import html
import re

import altair as alt
import ipywidgets as widgets
from IPython.display import HTML, display
import pandas as pd

from lib.book import charts, datafiles, figures
from lib.book.present import download_link, table_csv
from lib.data.paths import resolve

charts.use_book_style(for_html_book)

# %%
# Every CSV under data/, with what data/README.md says it holds, its rows, dates and sources.
files = datafiles.catalog(data_dir, readme_md)

# %% tags=["remove-input"]
display(HTML(f'<div class="book-snapshot" role="note">{html.escape(datafiles.summary(files, data_dir, readme_md))}</div>'))

# %% tags=["remove-input"]
n_snapshots = int(files["file"].str.startswith(f"{data_dir}/snapshots/").sum())
figures.record("od_n_files", len(files), "count")
figures.record("od_n_rows", int(files["rows"].sum()), "count")
figures.record("od_n_snapshot_files", n_snapshots, "count")
figures.glue_text("od_answer", (
    f"{len(files)} CSV files with {figures.fmt_number(int(files['rows'].sum()))} rows in all, "
    f"{n_snapshots} of them imported price snapshots; the table lists each with what it holds, its dates "
    "and sources, and a link that downloads it."))
units = {"rows": "count", "size": "bytes"}
shown = files.rename(columns={"size_bytes": "size"})


def cell(text: object) -> str:
    # The README's `code` spans read as code; everything else is escaped text (sources are free text).
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(str(text))) if text != "" else "—"


rows_html = "".join(
    "<tr><td>" + datafiles.file_link(f, f.removeprefix(f"{data_dir}/")).removeprefix('<p class="book-download">')
    .removesuffix("</p>") + f"<br><small>{figures.fmt_number(n)} rows, {figures.fmt_bytes(b)}</small></td>"
    f"<td>{cell(datafiles.first_sentence(h))}</td><td>{cell(d)}</td><td>{cell(src)}</td></tr>"
    for f, n, b, h, d, src in zip(files["file"], files["rows"], files["size_bytes"], files["holds"], files["as_of"],
                                  files["sources"]))
display(HTML(
    '<table class="dataframe book-table book-data-files"><colgroup><col style="width:24%"><col style="width:38%">'
    '<col style="width:12%"><col style="width:26%"></colgroup><thead><tr><th>file (click to download)</th>'
    "<th>what it holds</th><th>as of</th><th>sources</th></tr></thead><tbody>" + rows_html + "</tbody></table>\n"
    + download_link(table_csv(shown, units), "data-files.csv", "Download this list (CSV)")))

# %% [markdown]
# ## What the refresh writes
#
# The refresh also writes the book's own output, from the chapters' executed
# notebooks: each figure a chapter computed, with its unit, and each conclusion it drew (a
# cheapest choice, a ranking, a verdict on one of the guide's claims). A refresh compares them with
# the previous ones to say what moved.
#
# - {download}`figures.csv <figures.csv>`: columns `chapter`, `name`, `value`, `unit`.
# - {download}`conclusions.csv <conclusions.csv>`: columns `chapter`, `name`, `text`.

# %% [markdown]
# ## How old the data is
#
# Each bar is one file, its length the rows it holds, its colour the newest date its rows give.
# **Try it here.** The slider hides the files with fewer rows than you choose.

# %% tags=["remove-input"]
# Only what the chart draws goes into its spec: the sources hold addresses, and a page's inline script
# must name no other host (the offline check reads them as fetches).
ages = files.assign(newest=files["as_of"].str.split(" to ").str[-1].replace("", "no date given"))[
    ["file", "rows", "as_of", "newest"]]
min_rows = alt.param(name="min_rows", value=0,
                     bind=alt.binding_range(min=0, max=int(files["rows"].max()), step=1, name="at least this many rows "))
alt.Chart(ages).mark_bar().encode(
    y=alt.Y("file:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
    x=alt.X("rows:Q", scale=alt.Scale(type="symlog"), title="Rows (count, symlog scale)"),
    color=alt.Color("newest:N", title="Newest as_of"),
    tooltip=[alt.Tooltip("file:N"), alt.Tooltip("rows:Q", title="rows (count)"), alt.Tooltip("as_of:N"),
             alt.Tooltip("newest:N", title="newest as_of")],
).transform_filter("datum.rows >= min_rows").add_params(min_rows).properties(
    width=420, title=alt.Title("The book's data files by size and date",
                               subtitle="Guide data is dated by the guide; snapshots by their import"))


# %% [markdown]
# **What if**, in Jupyter: pick a file to see its first rows.

# %% tags=["hide-input"]
def first_rows(file: str) -> None:
    display(pd.read_csv(resolve(file), dtype=str, keep_default_na=False).head(5))


# Widgets need a live kernel; the static book has the download links instead.
if not for_html_book:
    display(widgets.interactive(first_rows, file=widgets.Dropdown(options=list(files["file"]))))
