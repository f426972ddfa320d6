"""The roofline ceiling: hand-computed cases, invariants (hypothesis), and a cross-check against
published measurements (data/published_throughput.csv) that the ceiling sits above each of them
and within a stated factor."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.book.figures import format_value
from lib.costs import roofline as rf
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA

# The published stacks reach between a fifth and a half of the ceiling; the ceiling must never be
# below a measurement, and never more than this many times above it (or it explains nothing).
MAX_CEILING_OVER_MEASURED = 6.0


@pytest.fixture(scope="module")
def specs() -> pd.DataFrame:
    return tables.load_hardware_specs()


@pytest.fixture(scope="module")
def shapes() -> pd.DataFrame:
    return tables.load_model_shapes()


def one_case(**overrides) -> pd.DataFrame:
    base = dict(accelerator="H100 SXM", accelerators=8, model_id="llama-3-3-70b", weight_precision="FP8",
                kv_precision="BF16", input_tokens=1500, output_tokens=300, batch=50)
    base.update(overrides)
    return pd.DataFrame([base])


# --- hand-computed cases --------------------------------------------------------------------------

def test_memory_bound_by_hand():
    # 10 sequences: one read of 1e10 weight bytes plus 10 x 1e8 KV bytes at 1e12 B/s = 11 ms per step.
    assert rf.memory_bound_tokens_per_s(10, 1e12, 1e10, 1e8) == pytest.approx(10 / 0.011)


def test_compute_bound_by_hand():
    # 2 x 10e9 FLOPs per token at 1e15 FLOPS = 50,000 tokens/s; 4 prompt tokens per output token: 10,000.
    assert rf.compute_bound_tokens_per_s(1e15, 10) == pytest.approx(50_000)
    assert rf.compute_bound_tokens_per_s(1e15, 10, 4) == pytest.approx(10_000)


def test_crossover_by_hand():
    # B* = C x W / (bw - C x kv) = 5e4 x 1e10 / (1e12 - 5e4 x 1e6) = 526.3; memory = compute there.
    b = float(rf.crossover_batch(1e12, 1e15, 1e10, 1e6, 10))
    assert b == pytest.approx(5e14 / 9.5e11)
    assert rf.memory_bound_tokens_per_s(b, 1e12, 1e10, 1e6) == pytest.approx(50_000)
    # Reading one sequence's KV (1e8 B) takes longer than computing its token: never compute-bound.
    assert math.isinf(float(rf.crossover_batch(1e12, 1e15, 1e10, 1e8, 10)))


def test_batch_one_on_8x_h100_by_hand(specs, shapes):
    # Decode only, a near-empty context: 8 x 3.35 TB/s / 70.6 GB of FP8 weights = 379.6 tokens/s.
    r = rf.evaluate_cases(one_case(input_tokens=0, output_tokens=2, batch=1), specs, shapes).iloc[0]
    assert r["ceiling_tokens_per_s"] == pytest.approx(8 * 3.35e12 / (70.6e9 + 327_680), rel=1e-9)
    assert r["bound"] == "memory"
    # FP16 weights double the bytes: 189.8 tokens/s, under half the guide's "~400" for this setup.
    fp16 = rf.evaluate_cases(one_case(input_tokens=0, output_tokens=2, batch=1, weight_precision="FP16"),
                             specs, shapes).iloc[0]
    assert fp16["ceiling_tokens_per_s"] == pytest.approx(26.8e12 / (141.2e9 + 327_680), rel=1e-9)


def test_requests_that_fit_by_hand(specs, shapes):
    # 90% of 640 GB less 70.6 GB of weights = 505.4 GB; 1,800 tokens x 327,680 B = 589.8 MB each: 856.
    r = rf.evaluate_cases(one_case(batch=None), specs, shapes, reserved_frac=0.1).iloc[0]
    assert r["max_batch"] == 856 and r["batch_used"] == 856
    # Halving the KV bytes (FP8) doubles what fits (floor of 1,713.8).
    fp8 = rf.evaluate_cases(one_case(batch=None, kv_precision="FP8"), specs, shapes, reserved_frac=0.1).iloc[0]
    assert fp8["max_batch"] == 1713


def test_guide_selfhost_point_by_hand(specs, shapes):
    # Batch 50, mean context 1,650: (70.6e9 + 50 x 1650 x 327,680) B / 26.8e12 B/s per step.
    r = rf.evaluate_cases(one_case(), specs, shapes).iloc[0]
    step = (70.6e9 + 50 * 1650 * 327_680) / 26.8e12
    assert r["memory_bound_tokens_per_s"] == pytest.approx(50 / step)
    # Compute: 8 x 1,979 TFLOPS / (2 x 70.6e9 x (1 + 1500/300)).
    assert r["compute_bound_tokens_per_s"] == pytest.approx(8 * 1979e12 / (2 * 70.6e9 * 6))
    assert r["ceiling_tokens_per_s"] == pytest.approx(50 / step) and r["bound"] == "memory"
    assert r["ceiling_input_tokens_per_s"] == pytest.approx(5 * 50 / step)
    assert r["ceiling_requests_per_s"] == pytest.approx(50 / step / 300)


def test_a_batch_larger_than_fits_is_cut_and_a_model_that_does_not_fit_gives_zero(specs, shapes):
    r = rf.evaluate_cases(one_case(batch=100_000), specs, shapes).iloc[0]
    assert r["batch_used"] == r["max_batch"] == 856
    none = rf.evaluate_cases(one_case(accelerators=1, weight_precision="FP16"), specs, shapes).iloc[0]
    assert none["max_batch"] == 0 and none["ceiling_tokens_per_s"] == 0 and none["bound"] == "does not fit"


def test_compute_precision_column():
    assert rf.compute_tflops_column("FP8", True) == "dense_fp8_tflops"
    assert rf.compute_tflops_column("INT4", True) == "dense_fp8_tflops"
    assert rf.compute_tflops_column("FP8", False) == "dense_bf16_tflops"  # A100, TPU v5p
    assert rf.compute_tflops_column("BF16", True) == "dense_bf16_tflops"
    with pytest.raises(ValueError, match="unknown precision 'FP6'"):
        rf.compute_tflops_column("FP6", True)


def test_node_totals(specs):
    node = rf.node_from_specs(specs, "TPU v5p", 4, "FP8")
    assert node.hbm_bytes == pytest.approx(380e9)
    assert node.bandwidth_bytes_per_s == pytest.approx(4 * 2.765e12)
    assert node.flops_per_s == pytest.approx(4 * 459e12)  # no FP8 units: BF16 rate
    with pytest.raises(KeyError):
        rf.node_from_specs(specs, "H900", 8, "FP8")


def test_claim_ratio_and_label():
    ratio = rf.claim_ratio([3000, 1500, 5, 0], [1500, 1500, 0, 0])
    assert ratio[0] == 2 and ratio[1] == 1 and math.isinf(ratio[2]) and ratio[3] == 0
    assert list(rf.possibility(ratio)) == ["impossible", "possible", "impossible", "possible"]


def test_what_if_matches_evaluate(specs, shapes):
    out = rf.what_if(specs, shapes, "H100 SXM", 8, "llama-3-3-70b", "FP8", "BF16", 50, 1500, 300)
    assert out["ceiling_tokens_per_s"] == pytest.approx(
        rf.evaluate_cases(one_case(), specs, shapes).iloc[0]["ceiling_tokens_per_s"])
    assert rf.what_if(specs, shapes, "H100 SXM", 8, "llama-3-3-70b", "FP8", "BF16", None, 1500, 300)["batch_used"] == 856


def test_requests_per_s_reads_as_a_number():
    assert format_value(5000, "requests_per_s") == "5,000"
    assert format_value(28.27, "requests_per_s") == "28.3"


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        rf.memory_bound_tokens_per_s(-1, 1e12, 1e10, 1e8)
    with pytest.raises(ValueError):
        rf.compute_bound_tokens_per_s(0, 10)
    with pytest.raises(KeyError, match="lacks columns"):
        rf.evaluate_cases(pd.DataFrame({"accelerator": ["H100 SXM"]}), pd.DataFrame(), pd.DataFrame())


# --- invariants -----------------------------------------------------------------------------------

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


@given(batch=st.integers(1, 4096), bw=positive, flops=positive, w=positive, kv=st.floats(0, 10), n=positive,
       r=st.floats(0, 50))
def test_ceiling_is_the_lower_bound_and_grows_with_batch(batch, bw, flops, w, kv, n, r):
    # Units scaled (TB/s, PFLOPS, GB, MB, billions) so the floats stay well conditioned.
    args = (bw * 1e12, flops * 1e15, w * 1e9, kv * 1e6, n)
    c1 = float(rf.decode_ceiling_tokens_per_s(batch, *args, r))
    c2 = float(rf.decode_ceiling_tokens_per_s(batch + 1, *args, r))
    assert c1 <= float(rf.memory_bound_tokens_per_s(batch, bw * 1e12, w * 1e9, kv * 1e6)) * (1 + 1e-12)
    assert c1 <= float(rf.compute_bound_tokens_per_s(flops * 1e15, n, r)) * (1 + 1e-12)
    assert c2 >= c1 * (1 - 1e-12)


@given(batch=st.integers(1, 4096), k=st.floats(0.1, 10), bw=positive, flops=positive, w=positive,
       kv=st.floats(0, 10), n=positive)
def test_scaling_the_node_scales_the_ceiling(batch, k, bw, flops, w, kv, n):
    base = float(rf.decode_ceiling_tokens_per_s(batch, bw * 1e12, flops * 1e15, w * 1e9, kv * 1e6, n))
    scaled = float(rf.decode_ceiling_tokens_per_s(batch, k * bw * 1e12, k * flops * 1e15, w * 1e9, kv * 1e6, n))
    assert scaled == pytest.approx(k * base, rel=1e-9)


@given(batch=st.integers(1, 4096), w=positive, kv=st.floats(0, 10))
def test_halving_every_byte_at_most_doubles_throughput(batch, w, kv):
    full = float(rf.decode_ceiling_tokens_per_s(batch, 3e12, 1e15, w * 1e9, kv * 1e6, 70))
    half = float(rf.decode_ceiling_tokens_per_s(batch, 3e12, 1e15, w * 0.5e9, kv * 0.5e6, 70))
    assert full * (1 - 1e-12) <= half <= 2 * full * (1 + 1e-12)


# --- the cross-check against published measurements ----------------------------------------------

def test_ceiling_is_above_every_published_measurement_and_within_a_factor(specs, shapes):
    published = tables.load_published_throughput()
    assert len(published) >= 1 and published["source_url"].str.startswith("https://").all()
    r = rf.evaluate_cases(published, specs, shapes)
    over = r["ceiling_tokens_per_s"] / r["output_tokens_per_s"]
    assert (over >= 1).all(), r.loc[over < 1, ["measurement_id", "ceiling_tokens_per_s", "output_tokens_per_s"]]
    assert (over <= MAX_CEILING_OVER_MEASURED).all(), r.loc[over > MAX_CEILING_OVER_MEASURED, "measurement_id"]


def test_trtllm_llama70b_row_by_hand(specs, shapes):
    # 4 x H100, Llama 2 70B FP8 (68.98 GB), FP8 KV (163,840 B/token), batch 64, 128 in / 128 out:
    # step = (68.98e9 + 64 x 192 x 163,840) / 13.4e12 B/s; measured 3,317 tokens/s is 27% of it.
    row = tables.load_published_throughput().query("measurement_id == 'trtllm-0.5-llama70b-128-128'")
    r = rf.evaluate_cases(row, specs, shapes).iloc[0]
    ceiling = 64 / ((68.98e9 + 64 * 192 * 163_840) / 13.4e12)
    assert r["ceiling_tokens_per_s"] == pytest.approx(ceiling)
    assert 3317 / ceiling == pytest.approx(0.2746, abs=1e-3)


# --- the data files -------------------------------------------------------------------------------

def test_throughput_cases_name_known_claims_and_every_rf_throughput_claim_has_a_case():
    cases = tables.load_throughput_cases()
    claims = tables.load_guide_claims().set_index("claim_id")
    assert set(cases["claim_id"]) <= set(claims.index)
    units = claims.loc[cases["claim_id"], "unit"].to_numpy()
    expected = np.where(cases["measure"] == "requests_per_s", "requests_per_s", "tokens_per_s")
    assert (units == expected).all()


@pytest.mark.parametrize(("filename", "loader", "row", "column", "reason"), [
    ("throughput_cases_bad.csv", tables.load_throughput_cases, 1, "weight_precision", "'FP6' is not one of"),
    ("throughput_cases_bad.csv", tables.load_throughput_cases, 2, "batch", "0 is below the smallest sane value 1"),
    ("published_throughput_bad.csv", tables.load_published_throughput, 1, "output_tokens_per_s",
     "'3317 tok/s' is not a number"),
])
def test_bad_roofline_files_name_file_row_column_and_reason(filename, loader, row, column, reason):
    path = BAD_DATA / filename
    with pytest.raises(DataValidationError) as info:
        loader(path)
    problems = [str(p) for p in info.value.problems]
    where = f"{path}, row {row} (line {row + 1}), column '{column}'"
    assert any(p.startswith(where) and reason in p for p in problems), problems


def test_a_case_naming_an_unknown_accelerator_or_model_is_refused(tmp_path):
    for name in ("hardware_specs.csv", "model_shapes.csv", "guide_claims.csv"):
        shutil.copy(tables.resolve(f"data/{name}"), tmp_path / name)
    text = tables.resolve("data/throughput_cases.csv").read_text().splitlines()
    text[1] = text[1].replace("H100 SXM", "H900 SXM", 1).replace("llama-3-3-70b", "llama-9", 1)
    (tmp_path / "throughput_cases.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(DataValidationError) as info:
        tables.load_throughput_cases(tmp_path / "throughput_cases.csv")
    problems = [str(p) for p in info.value.problems]
    assert any("row 1 (line 2), column 'accelerator': accelerator 'H900 SXM' has no row in" in p for p in problems)
    assert any("row 1 (line 2), column 'model_id': model_id 'llama-9' has no row in" in p for p in problems)


# --- the throughput stack (throughput-multipliers chapter) ---------------------------------------

def test_speculative_speedup_is_time_weighted():
    # 80% of tokens 1.7x faster: 1 / (0.2 + 0.8 / 1.7) = 1.4912..., not 1 + 0.8 x 0.7 = 1.56.
    assert float(rf.speculative_speedup(0.8, 1.7)) == pytest.approx(1 / (0.2 + 0.8 / 1.7))
    assert float(rf.speculative_speedup(0.0, 3.0)) == 1.0 and float(rf.speculative_speedup(1.0, 3.0)) == 3.0
    with pytest.raises(ValueError):
        rf.speculative_speedup(1.2, 2.0)


@given(share=st.floats(0, 1), speedup=st.floats(1, 20))
def test_speculative_speedup_lies_between_one_and_the_speedup(share, speedup):
    gain = float(rf.speculative_speedup(share, speedup))
    assert 1 - 1e-12 <= gain <= speedup * (1 + 1e-12)


def test_stack_ceilings_by_hand(specs, shapes):
    steps = tables.load_throughput_stack()
    assert list(steps["step"]) == sorted(steps["step"])
    ceilings = rf.stack_ceilings(steps, specs, shapes, "H100 SXM", 8, "llama-3-3-70b", 1500, 300)
    # Step 0: batch 1, FP16 weights and KV, mean context 1,650: 26.8e12 / (141.2e9 + 1650 x 327,680).
    assert ceilings[0] == pytest.approx(26.8e12 / (141.2e9 + 1650 * 327_680))
    # The guide's vanilla 400 tokens/s is more than twice what the node can physically do.
    assert 400 / ceilings[0] == pytest.approx(2.1155, abs=1e-3)
    # Speculative decoding lifts the previous step's ceiling by the time-weighted gain.
    idx = {s: i for i, s in enumerate(steps["step_id"])}
    assert ceilings[idx["speculative_decoding"]] == pytest.approx(
        ceilings[idx["prefix_caching"]] * float(rf.speculative_speedup(0.8, 1.7)))


def test_stack_steps_have_their_claims():
    claims = set(tables.load_guide_claims()["claim_id"])
    for step_id in tables.load_throughput_stack()["step_id"]:
        assert {f"tm_tps_{step_id}", f"tm_cost_{step_id}"} <= claims


def test_bad_stack_file_names_file_row_column_and_reason():
    path = BAD_DATA / "throughput_stack_bad.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_throughput_stack(path)
    problems = [str(p) for p in info.value.problems]
    where = f"{path}, row 2 (line 3), column 'speculative_speedup'"
    assert any(p.startswith(where) and "give all or none" in p for p in problems), problems


def test_max_params_fitting_by_hand():
    # 96 GB of HBM holds 48B parameters at BF16, 96B at FP8, 192B at INT4.
    assert rf.max_params_fitting(96e9, "BF16") == pytest.approx(48e9)
    assert rf.max_params_fitting([96e9], "INT4") == pytest.approx([192e9])
    with pytest.raises(ValueError):
        rf.max_params_fitting(96e9, "FP7")
    with pytest.raises(ValueError):
        rf.max_params_fitting(-1.0, "FP8")
