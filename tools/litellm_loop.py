"""The per-call baseline of the attribution bench: LiteLLM's ``cost_per_token`` called once per call.

Runs in the bench's own virtual environment (``.venv-bench``, where LiteLLM is installed; the book
does not depend on LiteLLM), with the standard library only besides LiteLLM:

    .venv-bench/bin/python tools/litellm_loop.py SAMPLE.csv

SAMPLE.csv has columns litellm_key, input_tokens (cached reads included, as LiteLLM's
prompt_tokens), cache_read_tokens, output_tokens. Prints one JSON object: calls, loop seconds,
the exact float sum of the costs (math.fsum), LiteLLM's version and import seconds.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # the price map in the wheel; no network


def main(path: str) -> None:
    t0 = time.perf_counter()
    import litellm
    from litellm import cost_per_token

    import_s = time.perf_counter() - t0
    with open(path, newline="") as fh:
        rows = [(r["litellm_key"], int(r["input_tokens"]), int(r["cache_read_tokens"]), int(r["output_tokens"]))
                for r in csv.DictReader(fh)]
    costs = []
    start = time.perf_counter()
    for key, inp, cached, out in rows:
        prompt, completion = cost_per_token(model=key, prompt_tokens=inp, completion_tokens=out,
                                            cache_read_input_tokens=cached)
        costs.append(prompt + completion)
    loop_s = time.perf_counter() - start
    from importlib.metadata import version

    print(json.dumps({"calls": len(rows), "loop_s": loop_s, "total_usd": repr(math.fsum(costs)),
                      "litellm": version("litellm"), "import_s": import_s, "_": litellm.__name__}))


if __name__ == "__main__":
    main(sys.argv[1])
