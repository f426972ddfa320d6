"""Imported first by the refresh's modules: keeps ``rfc3987_syntax`` out of the refresh's own process.

jsonschema (which nbformat validates notebooks with) imports rfc3987_syntax when it is installed,
and that module builds a Lark parser at import: about 1.5 s of a no-change refresh's 2.3 s of
imports, measured with ``python -X importtime -m lib.book.refresh``. Marked absent, jsonschema only
drops its "iri" format check, which no notebook schema uses. Kernels get the same line as
lib.book.execute.KERNEL_STARTUP.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
