"""Prompt tokens an image costs under each provider's rule, and what a mixed request costs.

Two published rules (constants in ``data/image_token_rules.csv``):
- per pixel (Anthropic): ``tokens = width x height / pixels_per_token``, after scaling the image
  down (aspect ratio kept) until its long edge and its token count are within the caps;
- tiles (OpenAI, detail high): fit inside a square box, scale down so the short side is at most
  ``short_side_px``, then ``base + per_tile x`` the number of ``tile_px`` squares that cover it.
A ``fixed`` rule charges the same tokens for any image (OpenAI detail low).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike


def _size(width_px: ArrayLike, height_px: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(width_px, dtype=float)
    h = np.asarray(height_px, dtype=float)
    if np.any(w <= 0) or np.any(h <= 0):
        raise ValueError("image sides must be > 0 px")
    return w, h


def _blank(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def per_pixel_tokens(width_px: ArrayLike, height_px: ArrayLike, *, pixels_per_token: float,
                     max_long_edge_px: float | None = None, max_tokens: float | None = None) -> np.ndarray:
    """Tokens under a per-pixel rule: scale down to the caps first, then area / pixels_per_token."""
    w, h = _size(width_px, height_px)
    scale = np.ones_like(w * h)
    if not _blank(max_long_edge_px):
        scale = np.minimum(scale, float(max_long_edge_px) / np.maximum(w, h))
    if not _blank(max_tokens):
        # Area scales with the square of the side, so the side shrinks by the square root.
        scale = np.minimum(scale, np.sqrt(float(max_tokens) * pixels_per_token / (w * h)))
    area = (w * scale) * (h * scale)
    return area / float(pixels_per_token)


def tile_tokens(width_px: ArrayLike, height_px: ArrayLike, *, fit_box_px: float, short_side_px: float,
                tile_px: float, base_tokens: float, tokens_per_tile: float) -> np.ndarray:
    """Tokens under a tile rule (both steps only ever shrink an image; small images keep their size)."""
    w, h = _size(width_px, height_px)
    s1 = np.minimum(1.0, fit_box_px / np.maximum(w, h))  # step 1: fit inside the box
    w1, h1 = w * s1, h * s1
    s2 = np.minimum(1.0, short_side_px / np.minimum(w1, h1))  # step 2: short side down to the target
    # Rounded to whole pixels as an image resize would, before counting tiles.
    w2, h2 = np.maximum(1.0, np.floor(w1 * s2 + 1e-9)), np.maximum(1.0, np.floor(h1 * s2 + 1e-9))
    tiles = np.ceil(w2 / tile_px) * np.ceil(h2 / tile_px)
    return base_tokens + tokens_per_tile * tiles


def image_tokens(rule: Mapping[str, object], width_px: ArrayLike, height_px: ArrayLike) -> np.ndarray:
    """Tokens for images of the given sizes under one row of image_token_rules.csv."""
    kind = rule["rule"]
    if kind == "per_pixel":
        return per_pixel_tokens(width_px, height_px, pixels_per_token=float(rule["pixels_per_token"]),
                                max_long_edge_px=rule.get("max_long_edge_px"),
                                max_tokens=rule.get("max_tokens_per_image"))
    if kind == "tiles":
        return tile_tokens(width_px, height_px, fit_box_px=float(rule["fit_box_px"]),
                           short_side_px=float(rule["short_side_px"]), tile_px=float(rule["tile_px"]),
                           base_tokens=float(rule["base_tokens"]), tokens_per_tile=float(rule["tokens_per_tile"]))
    if kind == "fixed":
        w, h = _size(width_px, height_px)
        return np.full(np.broadcast(w, h).shape, float(rule["base_tokens"]))
    raise ValueError(f"unknown image token rule {kind!r}")


def multimodal_request_cost_usd(*, text_input_tokens: ArrayLike, media_tokens: ArrayLike,
                                output_tokens: ArrayLike, input_usd_per_mtok: ArrayLike,
                                output_usd_per_mtok: ArrayLike) -> dict[str, np.ndarray]:
    """Cost split of one request whose media is billed as input tokens at the text input rate.

    Returns input, output and total USD and the input share of the total (what "the cost
    balance shifts toward input" means).
    """
    parts = [np.asarray(x, dtype=float) for x in (text_input_tokens, media_tokens, output_tokens)]
    if any(np.any(p < 0) for p in parts):
        raise ValueError("token counts must be >= 0")
    text_in, media, out = parts
    input_usd = (text_in + media) * np.asarray(input_usd_per_mtok, dtype=float) / 1e6
    output_usd = out * np.asarray(output_usd_per_mtok, dtype=float) / 1e6
    total = input_usd + output_usd
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, input_usd / np.where(total > 0, total, 1.0), np.nan)
    return {"input_usd": input_usd, "output_usd": output_usd, "total_usd": total, "input_share": share}


def media_cost_multiplier(*, media_tokens: ArrayLike, text_input_tokens: ArrayLike, output_tokens: ArrayLike,
                          input_usd_per_mtok: ArrayLike, output_usd_per_mtok: ArrayLike) -> np.ndarray:
    """How many times the same request without its media the request with it costs.

    "Image tokens are an N× multiplier on per-request cost" compares a request with its media to
    the same text and answer without: (text + media input + output) / (text input + output). The
    multiplier is 1 with no media and grows with the media's tokens; it is NaN for an empty request.
    """
    with_media = multimodal_request_cost_usd(text_input_tokens=text_input_tokens, media_tokens=media_tokens,
                                             output_tokens=output_tokens, input_usd_per_mtok=input_usd_per_mtok,
                                             output_usd_per_mtok=output_usd_per_mtok)["total_usd"]
    without = multimodal_request_cost_usd(text_input_tokens=text_input_tokens, media_tokens=0,
                                          output_tokens=output_tokens, input_usd_per_mtok=input_usd_per_mtok,
                                          output_usd_per_mtok=output_usd_per_mtok)["total_usd"]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(without > 0, with_media / np.where(without > 0, without, 1.0), np.nan)
