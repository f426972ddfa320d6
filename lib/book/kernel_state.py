"""Kernel-side code of the warm kernel pool (lib/book/pool.py): what a chapter can change in a
kernel's process, recorded once after the kernel starts and put back before the next chapter.

This file is never imported by the refresh. Its text is sent to each pooled kernel and run there
as a private module (``_book_kernel_state`` in the kernel's sys.modules, outside ``lib`` so that
the reset does not drop it). The pool proves the reset against cold kernels byte for byte
(tests/test_pipeline.py, tests/test_kernel_pool.py); each item below is there because a chapter
or the library it calls can change it:

- the IPython session: every name the chapter defined, In/Out, and the execution count, which must
  restart at 1 (the stored notebooks number their cells from 1);
- the project's own modules (``lib`` and below): dropped, so each chapter imports lib afresh, with
  fresh module-level caches and counters (lib.book.charts numbers its charts); about 0.1 s, while
  the third-party imports that cost seconds (pandas, altair, ipywidgets) stay loaded;
- registries and options of the libraries that stay loaded: Altair's renderers, data transformers
  and themes (lib registers and enables its own) and its warn-once set, pandas options, numpy's
  print options, error handling and global random state, Python's random state, the warning
  filters and every module's already-warned registry (a warning shown in one chapter must show
  again in the next, as it does in a fresh kernel), IPython's display formatters;
- the process: working directory, sys.path, sys.argv, environment variables; live widgets are
  closed so their comms do not pile up.
"""

from __future__ import annotations

import copy
import gc
import importlib
import os
import random
import sys
import warnings
from typing import Any

# Imported once per kernel before the state is recorded: the chapters' third-party imports, so
# that their registries exist (and are recorded as a fresh import leaves them) before any chapter.
WARM_IMPORTS = ("numpy", "pandas", "altair", "ipywidgets", "IPython.display")
# The project's own packages, dropped from sys.modules between chapters.
PROJECT_PACKAGES = ("lib",)

_saved: dict[str, Any] = {}


def _registries() -> list[tuple[object, dict[str, Any]]]:
    """Every Altair plugin registry (renderers, data transformers, themes ...) with its attributes."""
    from altair.utils.plugin_registry import PluginRegistry

    found: dict[int, object] = {}
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith("altair"):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, PluginRegistry):
                found[id(value)] = value
    return [(reg, {k: copy.copy(v) for k, v in vars(reg).items()}) for reg in found.values()]


def _pandas_options() -> dict[str, Any]:
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a deprecated option warns
        return {key: pd.get_option(key) for key in pd._config.config._registered_options}


def _formatters() -> dict[str, tuple[dict, dict]]:
    shell = _shell()
    if shell is None:
        return {}
    return {mime: (dict(f.type_printers), dict(f.deferred_printers))
            for mime, f in shell.display_formatter.formatters.items()}


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def record() -> None:
    """Import the warm modules and record the state a fresh kernel has; run once per kernel."""
    for name in WARM_IMPORTS:
        importlib.import_module(name)
    import altair.utils.deprecation as alt_deprecation
    import numpy as np

    _saved.update(
        cwd=os.getcwd(), path=list(sys.path), argv=list(sys.argv), environ=dict(os.environ),
        filters=list(warnings.filters),
        np_print=np.get_printoptions(), np_err=np.geterr(), np_random=np.random.get_state(),
        random=random.getstate(), pandas=_pandas_options(), registries=_registries(),
        alt_warned=dict(alt_deprecation._warnings_monitor._warned), formatters=_formatters(),
    )


def restore() -> None:
    """Put the kernel back as record() found it; raises if record() never ran."""
    if not _saved:
        raise RuntimeError("kernel state was never recorded")
    shell = _shell()
    try:
        import ipywidgets

        ipywidgets.Widget.close_all()
    except ImportError:
        pass
    if shell is not None:
        shell.reset(new_session=True)  # names, In/Out, execution count back to 1
    for name in list(sys.modules):
        if name.split(".")[0] in PROJECT_PACKAGES:
            del sys.modules[name]
    os.chdir(_saved["cwd"])
    sys.path[:] = _saved["path"]
    sys.argv[:] = _saved["argv"]
    os.environ.clear()
    os.environ.update(_saved["environ"])
    warnings.filters[:] = _saved["filters"]
    warnings.onceregistry.clear()
    warnings._filters_mutated()  # invalidates every module's __warningregistry__
    import numpy as np

    np.set_printoptions(**_saved["np_print"])
    np.seterr(**_saved["np_err"])
    np.random.set_state(_saved["np_random"])
    random.setstate(_saved["random"])
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in _saved["pandas"].items():
            if pd.get_option(key) != value:
                pd.set_option(key, value)
    for reg, attributes in _saved["registries"]:
        vars(reg).clear()
        vars(reg).update({k: copy.copy(v) for k, v in attributes.items()})
    import altair.utils.deprecation as alt_deprecation

    alt_deprecation._warnings_monitor._warned.clear()
    alt_deprecation._warnings_monitor._warned.update(_saved["alt_warned"])
    if shell is not None:
        for mime, (types, deferred) in _saved["formatters"].items():
            formatter = shell.display_formatter.formatters.get(mime)
            if formatter is not None:
                formatter.type_printers.clear()
                formatter.type_printers.update(types)
                formatter.deferred_printers.clear()
                formatter.deferred_printers.update(deferred)
    gc.collect()
