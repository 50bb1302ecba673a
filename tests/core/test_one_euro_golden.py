"""The One Euro filter reproduces a golden CSV computed by an independent transcription of the
published algorithm (data/make_one_euro_golden.py), as the reference implementation's ports do."""

import csv
from pathlib import Path

import numpy as np
import pytest

from formcheck.core.smoothing import OneEuroFilter, one_euro_series

GOLDEN = Path(__file__).parent / "data" / "one_euro_golden.csv"
SETTINGS = {"one_euro_1_0": (1.0, 0.0, 1.0), "one_euro_1_2_b0_02": (1.2, 0.02, 1.0),
            "one_euro_0_5_b1": (0.5, 1.0, 1.0), "one_euro_2_b0_1_d2": (2.0, 0.1, 2.0)}


def _golden() -> dict[str, np.ndarray]:
    with open(GOLDEN, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}


@pytest.mark.parametrize("column", sorted(SETTINGS))
def test_one_euro_matches_the_golden_file(column):
    g = _golden()
    min_cutoff, beta, d_cutoff = SETTINGS[column]
    got = one_euro_series(g["t_s"], g["x"], min_cutoff_hz=min_cutoff, beta=beta, d_cutoff_hz=d_cutoff)
    assert g["t_s"].size == 120
    np.testing.assert_allclose(got, g[column], rtol=1e-12, atol=1e-9)


def test_golden_file_is_not_the_identity():
    """The golden outputs differ from the inputs (a filter that returned x would fail above)."""
    g = _golden()
    assert np.max(np.abs(g["one_euro_1_0"] - g["x"])) > 5.0


def test_vector_channels_filter_independently():
    g = _golden()
    f = OneEuroFilter(1.0, 0.0, 1.0)
    both = np.array([f(t, np.array([x, 2 * x])) for t, x in zip(g["t_s"], g["x"])])
    np.testing.assert_allclose(both[:, 0], g["one_euro_1_0"], rtol=1e-12)
    np.testing.assert_allclose(both[:, 1], 2 * g["one_euro_1_0"], rtol=1e-12)
