"""KV-cache memory: hand-computed sizes for published model shapes, and invariants (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.costs import kv_cache as kv
from lib.data import tables


def test_llama_70b_shapes_by_hand():
    # Full multi-head reading (the guide's): 2 x 80 x 64 x 128 x 2 bytes = 2,621,440 bytes.
    assert kv.kv_bytes_per_token(80, 64, 128, 2)[()] == 2_621_440
    # GQA, 8 KV heads: 2 x 80 x 8 x 128 x 2 = 327,680 bytes; FP8 halves it, INT4 quarters it.
    assert kv.kv_bytes_per_token(80, 8, 128, 2)[()] == 327_680
    assert kv.kv_bytes_per_token(80, 8, 128, kv.BYTES_PER_ELEMENT["FP8"])[()] == 163_840
    assert kv.kv_bytes_per_token(80, 8, 128, kv.BYTES_PER_ELEMENT["INT4"])[()] == 81_920


def test_request_size_by_hand():
    # 128,000 tokens x 327,680 bytes = 41,943,040,000 bytes (41.9 GB).
    assert kv.kv_bytes_per_request(128_000, 327_680)[()] == 41_943_040_000


def test_requests_fitting_by_hand():
    # 8 x 80 GB = 640 GB; FP16 70.6B weights = 141.2 GB; 498.8 GB / 41.94304 GB = 11.89 -> 11.
    weights = kv.weight_bytes(70.6, 2)[()]
    assert weights == pytest.approx(141.2e9)
    assert kv.requests_fitting_in_hbm(640e9, weights, 41_943_040_000)[()] == 11
    # Weights alone do not fit on one 80 GB GPU: nothing fits.
    assert kv.requests_fitting_in_hbm(80e9, weights, 1e9)[()] == 0
    # An exact fit counts.
    assert kv.requests_fitting_in_hbm(10.0, 4.0, 2.0)[()] == 3


def test_reserve_and_max_context():
    assert kv.requests_fitting_in_hbm(100.0, 0.0, 10.0, reserved_frac=0.1)[()] == 9
    assert kv.max_context_tokens_in_hbm(80e9, 70.6e9, 327_680)[()] == 28_686
    with pytest.raises(ValueError):
        kv.requests_fitting_in_hbm(100.0, 0.0, 10.0, reserved_frac=1.0)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        kv.kv_bytes_per_token(0, 8, 128)
    with pytest.raises(ValueError):
        kv.kv_bytes_per_request(-1, 10)


def test_model_shapes_table_is_consistent():
    shapes = tables.load_model_shapes()
    assert (shapes["hidden_size"] == shapes["attention_heads"] * shapes["head_dim"]).all()
    llama = shapes[shapes["model_id"] == "llama-3-3-70b"].iloc[0]
    assert (llama["layers"], llama["attention_heads"], llama["kv_heads"]) == (80, 64, 8)


@given(layers=st.integers(1, 200), kv_heads=st.integers(1, 128), dim=st.sampled_from([64, 96, 128, 256]),
       tokens=st.integers(0, 2_000_000))
def test_kv_is_linear_and_gqa_divides(layers, kv_heads, dim, tokens):
    per = kv.kv_bytes_per_token(layers, kv_heads, dim, 2)
    assert kv.kv_bytes_per_request(2 * tokens, per) == pytest.approx(2 * kv.kv_bytes_per_request(tokens, per))
    assert kv.kv_bytes_per_token(layers, kv_heads, dim, 1) * 2 == per


@given(hbm=st.floats(1e9, 2e12), weights=st.floats(0, 1e12), each=st.floats(1e6, 1e11))
def test_fitting_requests_really_fit(hbm, weights, each):
    n = int(kv.requests_fitting_in_hbm(hbm, weights, each)[()])
    assert n >= 0
    if n > 0:
        assert weights + n * each <= hbm * (1 + 1e-9)
    assert weights + (n + 1) * each > hbm * (1 - 1e-9)


def test_bytes_unit_reads_in_decimal_units():
    from lib.book.figures import format_value
    assert format_value(2_621_440, "bytes") == "2.62 MB"
    assert format_value(335_544_320_000, "bytes") == "336 GB"
    assert format_value(330_000_000_000, "bytes") == "330 GB"  # whole-part zeros are kept
    assert format_value(2.62144e12, "bytes") == "2.62 TB"
    assert format_value(41_943_040_000, "bytes") == "41.9 GB"
    assert format_value(512, "bytes") == "512 bytes"


def _problems(path, loader) -> list[str]:
    from lib.data.validation import DataValidationError
    with pytest.raises(DataValidationError) as info:
        loader(path)
    return [str(p) for p in info.value.problems]


def test_bad_model_shapes_name_file_row_column_and_reason():
    from tests.conftest import BAD_DATA
    path = BAD_DATA / "model_shapes_bad_heads.csv"
    problems = _problems(path, tables.load_model_shapes)
    where = f"{path}, row 2 (line 3), column"
    assert any(p.startswith(f"{where} 'kv_heads'") and "does not divide attention_heads 64" in p for p in problems), problems
    assert any(p.startswith(f"{where} 'active_params_billions'") and "active parameters are a subset" in p
               for p in problems), problems
