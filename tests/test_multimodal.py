"""Image token rules: the providers' documented examples by hand, and invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.costs import multimodal as mm
from lib.data import tables

RULES = tables.load_image_token_rules().set_index("rule_id")


def rule(rule_id: str) -> dict:
    return RULES.loc[rule_id].to_dict() | {"rule_id": rule_id}


def test_anthropic_per_pixel_by_hand():
    # 1024 x 1024 / 750 = 1,398.1; 200 x 200 / 750 = 53.3
    assert mm.image_tokens(rule("anthropic-docs"), 1024, 1024)[()] == pytest.approx(1398.1013, rel=1e-6)
    assert mm.image_tokens(rule("anthropic-docs"), 200, 200)[()] == pytest.approx(53.333, rel=1e-4)
    # 1568 x 1568 is over the ~1,600-token cap: scaled down to exactly the cap.
    assert mm.image_tokens(rule("anthropic-docs"), 1568, 1568)[()] == pytest.approx(1600)
    # A 3000 x 500 strip: long edge to 1568 first (1568 x 261.3 = 546 tokens).
    assert mm.image_tokens(rule("anthropic-docs"), 3000, 500)[()] == pytest.approx(1568 * (500 * 1568 / 3000) / 750)


def test_openai_tiles_match_the_documented_examples():
    r = rule("openai-high-detail")
    # 1024 x 1024 -> 768 x 768 -> 4 tiles -> 85 + 4 x 170 = 765
    assert mm.image_tokens(r, 1024, 1024)[()] == 765
    # 2048 x 4096 -> 1024 x 2048 -> 768 x 1536 -> 6 tiles -> 1,105
    assert mm.image_tokens(r, 2048, 4096)[()] == 1105
    # Small images are not enlarged: 500 x 500 is one tile.
    assert mm.image_tokens(r, 500, 500)[()] == 255
    assert mm.image_tokens(rule("openai-low-detail"), 4000, 3000)[()] == 85


def test_cost_split_by_hand():
    # The guide's vision query: (1,000 + 30) x $1/M in, 200 x $5/M out.
    c = mm.multimodal_request_cost_usd(text_input_tokens=30, media_tokens=1000, output_tokens=200,
                                       input_usd_per_mtok=1.0, output_usd_per_mtok=5.0)
    assert c["total_usd"][()] == pytest.approx(0.00203)
    assert c["input_share"][()] == pytest.approx(0.00103 / 0.00203)


def test_unknown_rule_and_bad_sizes():
    with pytest.raises(ValueError):
        mm.image_tokens({"rule": "magic"}, 10, 10)
    with pytest.raises(ValueError):
        mm.image_tokens(rule("anthropic-docs"), 0, 10)


sides = st.integers(1, 8000)


@given(w=sides, h=sides, k=st.integers(2, 4))
def test_tokens_never_exceed_caps_and_grow_with_size(w, h, k):
    a = rule("anthropic-docs")
    t = mm.image_tokens(a, w, h)[()]
    assert t <= 1600 + 1e-6
    assert mm.image_tokens(a, w * k, h * k)[()] >= t - 1e-6
    o = rule("openai-high-detail")
    # After both steps an image is at most 768 x 2048 px: 2 x 4 tiles.
    assert 85 + 170 <= mm.image_tokens(o, w, h)[()] <= 85 + 170 * 8


@given(text=st.integers(0, 10_000), media=st.integers(0, 100_000), out=st.integers(0, 10_000))
def test_input_share_is_a_share(text, media, out):
    c = mm.multimodal_request_cost_usd(text_input_tokens=text, media_tokens=media, output_tokens=out,
                                       input_usd_per_mtok=2.5, output_usd_per_mtok=10.0)
    share = c["input_share"][()]
    assert np.isnan(share) or 0 <= share <= 1


def test_bad_rule_file_names_file_row_column_and_reason():
    from lib.data.validation import DataValidationError
    from tests.conftest import BAD_DATA
    path = BAD_DATA / "image_token_rules_missing_constant.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_image_token_rules(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 1 (line 2), column 'tile_px'") and "a 'tiles' rule needs tile_px" in p
               for p in problems), problems


def test_media_cost_multiplier_by_hand():
    # The guide's vision query: 1,000 image tokens + 30 text in, 200 out at $1/$5 per M tokens:
    # (1,030 x 1 + 200 x 5) / (30 x 1 + 200 x 5) = 2,030 / 1,030.
    got = float(mm.media_cost_multiplier(media_tokens=1_000, text_input_tokens=30, output_tokens=200,
                                         input_usd_per_mtok=1.0, output_usd_per_mtok=5.0))
    assert got == pytest.approx(2_030 / 1_030)


def test_media_cost_multiplier_is_one_without_media_and_grows_with_it():
    m = mm.media_cost_multiplier(media_tokens=np.array([0, 100, 1_000, 10_000]), text_input_tokens=30,
                                 output_tokens=200, input_usd_per_mtok=1.0, output_usd_per_mtok=5.0)
    assert m[0] == pytest.approx(1.0)
    assert np.all(np.diff(m) > 0)
    assert np.isnan(mm.media_cost_multiplier(media_tokens=10, text_input_tokens=0, output_tokens=0,
                                             input_usd_per_mtok=1.0, output_usd_per_mtok=5.0))
