"""How much accelerator memory a request's KV cache takes, and how many requests fit.

Every layer keeps a key and a value vector per KV head for every token in the context, so

    KV bytes per token = 2 (K and V) x layers x KV heads x head dim x bytes per element.

Grouped-query attention (GQA) shares one KV head among several query heads, which is why
``kv_heads`` (not the query-head count) sets the size; full multi-head attention is the case
``kv_heads == attention_heads``. Vectorised: every argument broadcasts (numpy).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
GB = 1e9  # decimal gigabytes, as accelerator datasheets count HBM

# Bytes per stored element for the KV cache precisions the guide names.
BYTES_PER_ELEMENT: dict[str, float] = {"FP32": 4.0, "FP16": 2.0, "BF16": 2.0, "FP8": 1.0, "INT8": 1.0, "INT4": 0.5}


def _positive(name: str, arr: np.ndarray) -> None:
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0")


def kv_bytes_per_token(layers: ArrayLike, kv_heads: ArrayLike, head_dim: ArrayLike,
                       bytes_per_element: ArrayLike = 2.0) -> np.ndarray:
    """Bytes of K and V cache one token adds: 2 x layers x kv_heads x head_dim x bytes."""
    arrs = [np.asarray(a, dtype=float) for a in (layers, kv_heads, head_dim, bytes_per_element)]
    for name, arr in zip(("layers", "kv_heads", "head_dim", "bytes_per_element"), arrs):
        _positive(name, arr)
    layers_a, kv_a, dim_a, bytes_a = arrs
    return 2.0 * layers_a * kv_a * dim_a * bytes_a


def kv_bytes_per_request(context_tokens: ArrayLike, bytes_per_token: ArrayLike) -> np.ndarray:
    """KV bytes a request holds at ``context_tokens`` of context (prompt plus generated so far)."""
    tokens = np.asarray(context_tokens, dtype=float)
    if np.any(tokens < 0):
        raise ValueError("context_tokens must be >= 0")
    per_token = np.asarray(bytes_per_token, dtype=float)
    _positive("bytes_per_token", per_token)
    return tokens * per_token


def weight_bytes(params_billions: ArrayLike, bytes_per_param: ArrayLike = 2.0) -> np.ndarray:
    """Bytes the weights take: parameters x bytes per parameter (FP16 = 2, FP8 = 1, INT4 = 0.5)."""
    params = np.asarray(params_billions, dtype=float)
    per = np.asarray(bytes_per_param, dtype=float)
    _positive("params_billions", params)
    _positive("bytes_per_param", per)
    return params * 1e9 * per


def requests_fitting_in_hbm(hbm_bytes: ArrayLike, weight_bytes_total: ArrayLike,
                            kv_bytes_each: ArrayLike, reserved_frac: ArrayLike = 0.0) -> np.ndarray:
    """Whole requests whose KV cache fits in the memory left after the weights.

    ``reserved_frac`` of HBM is held back for activations and the runtime. Zero when the
    weights alone do not fit: the model cannot run there at all, let alone hold a request.
    """
    hbm = np.asarray(hbm_bytes, dtype=float)
    weights = np.asarray(weight_bytes_total, dtype=float)
    kv = np.asarray(kv_bytes_each, dtype=float)
    reserve = np.asarray(reserved_frac, dtype=float)
    _positive("kv_bytes_each", kv)
    if np.any(hbm < 0) or np.any(weights < 0):
        raise ValueError("memory sizes must be >= 0")
    if np.any((reserve < 0) | (reserve >= 1)):
        raise ValueError("reserved_frac must lie in [0, 1)")
    free = hbm * (1.0 - reserve) - weights
    # A tiny epsilon keeps exact fits (free == n x kv) from flooring to n - 1 on float noise.
    return np.where(free > 0, np.floor(np.maximum(free, 0.0) / kv * (1 + 1e-12)), 0.0).astype(np.int64)


def max_context_tokens_in_hbm(hbm_bytes: ArrayLike, weight_bytes_total: ArrayLike,
                              bytes_per_token: ArrayLike) -> np.ndarray:
    """The longest single context whose KV cache fits beside the weights (0 if the weights do not fit)."""
    free = np.asarray(hbm_bytes, dtype=float) - np.asarray(weight_bytes_total, dtype=float)
    per_token = np.asarray(bytes_per_token, dtype=float)
    _positive("bytes_per_token", per_token)
    return np.floor(np.maximum(free, 0.0) / per_token).astype(np.int64)
