"""The physical ceiling on decode throughput: a roofline from hardware specs and model shape.

A decode step generates one token for each of the ``B`` sequences in a batch. It must

* read every weight once from HBM (shared by the whole batch) plus each sequence's KV cache,
  so it takes at least ``(weight bytes + B x context x KV bytes per token) / bandwidth``;
* do about ``2 x active parameters`` FLOPs per token (one multiply-add per weight), so B
  tokens take at least ``B x 2 x active params / FLOPS``.

The step takes at least the larger of the two, so tokens per second are at most
``B / max(memory time, compute time)``. When requests also need their prompts prefilled, the
prompt tokens cost compute too (``2 x active params`` each) but no extra weight reads (chunked
prefill rides on the decode steps' weight reads), so the compute bound per output token grows
by ``1 + input tokens / output tokens``. Everything left out (attention FLOPs, activations,
communication between accelerators, kernel launch gaps, scheduling) only makes real throughput
lower: the result is a ceiling, never an estimate.

The batch is capped by how many requests' KV caches fit in the HBM left after the weights
(``lib.costs.kv_cache.requests_fitting_in_hbm``). Vectorised: every array argument broadcasts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from lib.costs import kv_cache

ArrayLike = npt.ArrayLike
TB = 1e12  # decimal terabytes, as datasheets count bandwidth
TFLOPS = 1e12

# Bytes per stored weight or KV element; the same table the KV-cache chapter uses.
BYTES_PER_ELEMENT = kv_cache.BYTES_PER_ELEMENT
PRECISIONS: tuple[str, ...] = tuple(BYTES_PER_ELEMENT)


@dataclass(frozen=True)
class Node:
    """A group of accelerators serving one model replica, with its totals."""

    accelerator: str
    accelerators: int
    hbm_bytes: float
    bandwidth_bytes_per_s: float
    flops_per_s: float  # dense, at the precision the matrix multiplies run in


@dataclass(frozen=True)
class Model:
    """What the roofline needs from a model's shape."""

    model_id: str
    total_params_billions: float
    active_params_billions: float
    layers: int
    kv_heads: int
    head_dim: int


def compute_tflops_column(weight_precision: str, fp8_available: bool) -> str:
    """Which datasheet column sets the compute rate.

    Weights of one byte or less (FP8, INT8, INT4) run their matrix multiplies in FP8 where the
    accelerator has FP8 units; otherwise (FP16/BF16 weights, or no FP8 units, as on A100 or
    TPU v5p) they run in BF16.
    """
    if weight_precision not in BYTES_PER_ELEMENT:
        raise ValueError(f"unknown precision '{weight_precision}': use one of {', '.join(PRECISIONS)}")
    one_byte_or_less = BYTES_PER_ELEMENT[weight_precision] <= 1.0
    return "dense_fp8_tflops" if one_byte_or_less and fp8_available else "dense_bf16_tflops"


def node_from_specs(specs: pd.DataFrame, accelerator: str, accelerators: int, weight_precision: str) -> Node:
    """Totals for ``accelerators`` of one kind, read from hardware_specs.csv rows."""
    match = specs[specs["accelerator"] == accelerator]
    if len(match) != 1:
        raise KeyError(f"accelerator '{accelerator}' has no single row in the specs table")
    if accelerators < 1:
        raise ValueError("accelerators must be >= 1")
    row = match.iloc[0]
    column = compute_tflops_column(weight_precision, not pd.isna(row["dense_fp8_tflops"]))
    return Node(accelerator, int(accelerators), float(row["hbm_gb"]) * kv_cache.GB * accelerators,
                float(row["hbm_tb_per_s"]) * TB * accelerators, float(row[column]) * TFLOPS * accelerators)


def model_from_shapes(shapes: pd.DataFrame, model_id: str) -> Model:
    match = shapes[shapes["model_id"] == model_id]
    if len(match) != 1:
        raise KeyError(f"model '{model_id}' has no single row in the model shapes table")
    r = match.iloc[0]
    return Model(model_id, float(r["total_params_billions"]), float(r["active_params_billions"]),
                 int(r["layers"]), int(r["kv_heads"]), int(r["head_dim"]))


def _nonneg(name: str, arr: np.ndarray) -> None:
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0")


def memory_bound_tokens_per_s(batch: ArrayLike, bandwidth_bytes_per_s: ArrayLike, weight_bytes: ArrayLike,
                              kv_bytes_per_sequence: ArrayLike) -> np.ndarray:
    """Tokens/s if HBM reads were the only limit: B / ((weights + B x KV per sequence) / bandwidth)."""
    b = np.asarray(batch, dtype=float)
    bw = np.asarray(bandwidth_bytes_per_s, dtype=float)
    w = np.asarray(weight_bytes, dtype=float)
    kv = np.asarray(kv_bytes_per_sequence, dtype=float)
    _nonneg("batch", b)
    _nonneg("kv_bytes_per_sequence", kv)
    if np.any(bw <= 0) or np.any(w <= 0):
        raise ValueError("bandwidth and weight bytes must be > 0")
    return b * bw / (w + b * kv)


def compute_bound_tokens_per_s(flops_per_s: ArrayLike, active_params_billions: ArrayLike,
                               prefill_tokens_per_output: ArrayLike = 0.0) -> np.ndarray:
    """Output tokens/s if FLOPs were the only limit: FLOPS / (2 x active params x (1 + prefill ratio))."""
    f = np.asarray(flops_per_s, dtype=float)
    n = np.asarray(active_params_billions, dtype=float) * 1e9
    r = np.asarray(prefill_tokens_per_output, dtype=float)
    if np.any(f <= 0) or np.any(n <= 0):
        raise ValueError("FLOPS and active parameters must be > 0")
    _nonneg("prefill_tokens_per_output", r)
    return f / (2.0 * n * (1.0 + r))


def decode_ceiling_tokens_per_s(batch: ArrayLike, bandwidth_bytes_per_s: ArrayLike, flops_per_s: ArrayLike,
                                weight_bytes: ArrayLike, kv_bytes_per_sequence: ArrayLike,
                                active_params_billions: ArrayLike,
                                prefill_tokens_per_output: ArrayLike = 0.0) -> np.ndarray:
    """The most output tokens/s at batch B: the lower of the memory and compute bounds."""
    return np.minimum(
        memory_bound_tokens_per_s(batch, bandwidth_bytes_per_s, weight_bytes, kv_bytes_per_sequence),
        compute_bound_tokens_per_s(flops_per_s, active_params_billions, prefill_tokens_per_output))


def crossover_batch(bandwidth_bytes_per_s: ArrayLike, flops_per_s: ArrayLike, weight_bytes: ArrayLike,
                    kv_bytes_per_sequence: ArrayLike, active_params_billions: ArrayLike,
                    prefill_tokens_per_output: ArrayLike = 0.0) -> np.ndarray:
    """The batch size at which memory stops being the bound (infinite when it never does).

    Solving B x bw / (W + B x kv) = C for B gives B* = C x W / (bw - C x kv): when reading one
    sequence's KV cache takes longer than computing its token (bw <= C x kv), adding sequences
    never makes the step compute-bound.
    """
    bw = np.asarray(bandwidth_bytes_per_s, dtype=float)
    w = np.asarray(weight_bytes, dtype=float)
    kv = np.asarray(kv_bytes_per_sequence, dtype=float)
    c = compute_bound_tokens_per_s(flops_per_s, active_params_billions, prefill_tokens_per_output)
    denom = bw - c * kv
    with np.errstate(divide="ignore"):
        return np.where(denom > 0, c * w / np.where(denom > 0, denom, 1.0), np.inf)


def claim_ratio(claimed: ArrayLike, ceiling: ArrayLike) -> np.ndarray:
    """Claim ÷ ceiling: above 1 the claim asks for more than the hardware can physically do."""
    c = np.asarray(claimed, dtype=float)
    top = np.asarray(ceiling, dtype=float)
    _nonneg("claimed", c)
    _nonneg("ceiling", top)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(top > 0, c / np.where(top > 0, top, 1.0), np.where(c > 0, np.inf, 0.0))


def possibility(ratio: ArrayLike) -> np.ndarray:
    """'possible' at or under the ceiling, 'impossible' above it."""
    return np.where(np.asarray(ratio, dtype=float) <= 1.0, "possible", "impossible")


# Columns a case table (the guide's throughput claims, published measurements) must carry.
CASE_COLUMNS = ("accelerator", "accelerators", "model_id", "weight_precision", "kv_precision",
                "input_tokens", "output_tokens", "batch")


def evaluate_cases(cases: pd.DataFrame, specs: pd.DataFrame, shapes: pd.DataFrame,
                   reserved_frac: float = 0.1, count_prefill: bool = True) -> pd.DataFrame:
    """The roofline for each row of a case table.

    A blank ``batch`` means "as large as fits": the node's absolute ceiling for that request
    shape. A batch larger than fits is cut to what fits. KV reads use the mean context over a
    request's decode (prompt plus half the output); fitting uses the full context, the most a
    request holds at its end. ``count_prefill=False`` leaves the prompts' compute out (a
    decode-only ceiling, as when comparing precisions at one context length). Adds: weight_bytes, kv_bytes_per_sequence, max_batch, batch_used,
    memory_bound_tokens_per_s, compute_bound_tokens_per_s, ceiling_tokens_per_s,
    ceiling_requests_per_s, ceiling_input_tokens_per_s, crossover_batch, bound.
    """
    missing = [c for c in CASE_COLUMNS if c not in cases.columns]
    if missing:
        raise KeyError(f"case table lacks columns {missing}")
    rows = [(c["accelerator"], int(c["accelerators"]), c["model_id"], c["weight_precision"], c["kv_precision"])
            for c in cases[["accelerator", "accelerators", "model_id", "weight_precision", "kv_precision"]]
            .to_dict("records")]
    inp = cases["input_tokens"].to_numpy(dtype=float)
    out = cases["output_tokens"].to_numpy(dtype=float)
    asked = pd.to_numeric(cases["batch"], errors="coerce").astype(float).to_numpy()
    r = _roofline(specs, shapes, rows, inp, out, asked, reserved_frac, count_prefill)
    return cases.assign(**r)


def _roofline(specs: pd.DataFrame, shapes: pd.DataFrame, rows: list[tuple[str, int, str, str, str]],
              inp: np.ndarray, out: np.ndarray, asked: np.ndarray, reserved_frac: float,
              count_prefill: bool) -> dict[str, np.ndarray]:
    """evaluate_cases's arithmetic on arrays, one element per (accelerator, count, model, weight and
    KV precision) row; what_if calls it directly, without building a frame for its one case."""
    params = []
    for accelerator, accelerators, model_id, weight_precision, kv_precision in rows:
        node = node_from_specs(specs, accelerator, accelerators, weight_precision)
        model = model_from_shapes(shapes, model_id)
        params.append((node.hbm_bytes, node.bandwidth_bytes_per_s, node.flops_per_s, model.total_params_billions,
                       model.active_params_billions, model.layers, model.kv_heads, model.head_dim,
                       BYTES_PER_ELEMENT[weight_precision], BYTES_PER_ELEMENT[kv_precision]))
    hbm, bw, flops, total, active, layers, kv_heads, head_dim, w_bytes, kv_el = (np.array(c, dtype=float)
                                                                                   for c in zip(*params))
    weights = kv_cache.weight_bytes(total, w_bytes)
    per_token = kv_cache.kv_bytes_per_token(layers, kv_heads, head_dim, kv_el)
    kv_read = per_token * (inp + out / 2.0)
    kv_fit = per_token * (inp + out)
    max_batch = kv_cache.requests_fitting_in_hbm(hbm, weights, kv_fit, reserved_frac)
    used = np.where(np.isnan(asked), max_batch, np.minimum(np.nan_to_num(asked), max_batch))
    ratio = inp / out if count_prefill else np.zeros_like(inp)
    mem = memory_bound_tokens_per_s(used, bw, weights, kv_read)
    comp = compute_bound_tokens_per_s(flops, active, ratio) * np.ones_like(mem)
    ceiling = np.minimum(mem, comp)
    return dict(
        weight_bytes=weights, kv_bytes_per_sequence=kv_fit, max_batch=max_batch, batch_used=used.astype(np.int64),
        memory_bound_tokens_per_s=mem, compute_bound_tokens_per_s=comp, ceiling_tokens_per_s=ceiling,
        ceiling_requests_per_s=ceiling / out, ceiling_input_tokens_per_s=ceiling * inp / out,
        crossover_batch=crossover_batch(bw, flops, weights, kv_read, active, ratio),
        bound=np.where(used == 0, "does not fit", np.where(mem <= comp, "memory", "compute")),
    )


def what_if(specs: pd.DataFrame, shapes: pd.DataFrame, accelerator: str, accelerators: int, model_id: str,
            weight_precision: str, kv_precision: str, batch: int | None, input_tokens: int, output_tokens: int,
            reserved_frac: float = 0.1) -> dict[str, float | str]:
    """One node, one model, one request shape: the numbers the chapter's sliders show."""
    # The same arithmetic as evaluate_cases on a one-row table, without the table: a slider move
    # must answer at once, and building and assigning a frame costs more than the sums.
    r = _roofline(specs, shapes, [(accelerator, int(accelerators), model_id, weight_precision, kv_precision)],
                  np.array([input_tokens], dtype=float), np.array([output_tokens], dtype=float),
                  np.array([np.nan if batch is None else batch], dtype=float), reserved_frac, True)
    out = {k: r[k][0] for k in ("max_batch", "batch_used", "ceiling_tokens_per_s", "ceiling_requests_per_s",
                                "crossover_batch", "bound", "weight_bytes")}
    out["bound"] = str(out["bound"])
    return out


def speculative_speedup(share: ArrayLike, speedup: ArrayLike) -> np.ndarray:
    """Throughput multiplier when ``share`` of the tokens decode ``speedup`` times faster.

    Time-weighted (harmonic): the tokens that do not benefit still take their full time, so
    1 / ((1 - share) + share / speedup), not 1 + share x (speedup - 1).
    """
    s = np.asarray(share, dtype=float)
    k = np.asarray(speedup, dtype=float)
    if np.any((s < 0) | (s > 1)):
        raise ValueError("share must lie in [0, 1]")
    if np.any(k <= 0):
        raise ValueError("speedup must be > 0")
    return 1.0 / ((1.0 - s) + s / k)


def stack_ceilings(steps: pd.DataFrame, specs: pd.DataFrame, shapes: pd.DataFrame, accelerator: str,
                   accelerators: int, model_id: str, input_tokens: int, output_tokens: int,
                   reserved_frac: float = 0.1) -> np.ndarray:
    """The roofline ceiling (output tokens/s) of each step of a throughput stack.

    A step with ``prefill_counted`` false leaves prompt compute out (prefix caching); a step with
    a speculative share and speed-up multiplies the decode ceiling by their time-weighted gain.
    """
    out = np.empty(len(steps))
    for i, (_, s) in enumerate(steps.iterrows()):
        case = pd.DataFrame([dict(accelerator=accelerator, accelerators=accelerators, model_id=model_id,
                                  weight_precision=s["weight_precision"], kv_precision=s["kv_precision"],
                                  input_tokens=input_tokens, output_tokens=output_tokens, batch=s["batch"])])
        top = float(evaluate_cases(case, specs, shapes, reserved_frac, bool(s["prefill_counted"]))
                    ["ceiling_tokens_per_s"].iloc[0])
        gain = 1.0 if pd.isna(s["speculative_share"]) else float(
            speculative_speedup(s["speculative_share"], s["speculative_speedup"]))
        out[i] = top * gain
    return out


def max_params_fitting(memory_bytes: ArrayLike, weight_precision: str) -> np.ndarray:
    """The most parameters whose weights alone fit in ``memory_bytes`` at ``weight_precision``: the
    physical ceiling on a claim that a model of some size "fits" in an accelerator's memory (the KV
    cache and activations need more, so a model at the ceiling would serve nothing)."""
    mem = np.asarray(memory_bytes, dtype=float)
    _nonneg("memory_bytes", mem)
    if weight_precision not in BYTES_PER_ELEMENT:
        raise ValueError(f"unknown precision {weight_precision!r}; one of {', '.join(PRECISIONS)}")
    return mem / BYTES_PER_ELEMENT[weight_precision]
