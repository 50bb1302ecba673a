"""Write one_euro_golden.csv: inputs and the One Euro filter's expected outputs.

The expected values come from this file's own scalar transcription of the algorithm as
published (Casiez, Roussel, Vogel, "1 Euro Filter", CHI 2012, the pseudocode of the paper and
its reference implementations), in plain floats and independent of formcheck's vectorised filter:

    alpha(cutoff, dt) = 1 / (1 + tau / dt),  tau = 1 / (2 pi cutoff)
    first sample:   x_hat = x,  dx_hat = 0
    then:           dx = (x - x_hat_prev) / dt
                    dx_hat = alpha(d_cutoff, dt) * dx + (1 - alpha) * dx_hat_prev
                    cutoff = min_cutoff + beta * |dx_hat|
                    x_hat = alpha(cutoff, dt) * x + (1 - alpha) * x_hat_prev

Run it to regenerate (the CSV is committed):  python tests/core/data/make_one_euro_golden.py
"""

from __future__ import annotations

import math
from pathlib import Path

#: (column name, min_cutoff_hz, beta, d_cutoff_hz)
SETTINGS = (("one_euro_1_0", 1.0, 0.0, 1.0), ("one_euro_1_2_b0_02", 1.2, 0.02, 1.0),
            ("one_euro_0_5_b1", 0.5, 1.0, 1.0), ("one_euro_2_b0_1_d2", 2.0, 0.1, 2.0))


def reference(ts: list[float], xs: list[float], min_cutoff: float, beta: float, d_cutoff: float) -> list[float]:
    def alpha(cutoff: float, dt: float) -> float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    out: list[float] = []
    x_hat = dx_hat = t_prev = None
    for t, x in zip(ts, xs):
        if x_hat is None:
            x_hat, dx_hat = x, 0.0
        else:
            dt = t - t_prev
            dx = (x - x_hat) / dt
            a_d = alpha(d_cutoff, dt)
            dx_hat = a_d * dx + (1.0 - a_d) * dx_hat
            a = alpha(min_cutoff + beta * abs(dx_hat), dt)
            x_hat = a * x + (1.0 - a) * x_hat
        t_prev = t
        out.append(x_hat)
    return out


def inputs() -> tuple[list[float], list[float]]:
    """120 samples: a still start, a slow sine, a fast step and a hold, with a little deterministic
    jitter and an uneven clock (30 fps with +-20 % spacing), like a webcam."""
    ts, xs = [], []
    t = 0.0
    seed = 12345
    for i in range(120):
        seed = (1103515245 * seed + 12345) % 2**31  # a fixed linear congruential sequence
        jitter = (seed / 2**31 - 0.5) * 2.0
        base = 100.0 if i < 20 else 100.0 + 30.0 * math.sin((i - 20) / 12.0) if i < 70 else 170.0
        ts.append(round(t, 6))
        xs.append(round(base + jitter, 6))
        t += (1.0 + 0.2 * math.sin(i * 1.7)) / 30.0
    return ts, xs


def main() -> None:
    ts, xs = inputs()
    cols = [reference(ts, xs, mc, b, dc) for _, mc, b, dc in SETTINGS]
    lines = ["t_s,x," + ",".join(name for name, *_ in SETTINGS)]
    for i in range(len(ts)):
        lines.append(",".join([repr(ts[i]), repr(xs[i])] + [repr(c[i]) for c in cols]))
    (Path(__file__).parent / "one_euro_golden.csv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
