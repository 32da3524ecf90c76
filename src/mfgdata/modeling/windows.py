"""Operating windows validated out of sample.

A window is *found* on the training rows of the model's own split (:func:`operating_window`) and
its effect is *measured* on the held-out rows: the bad-outcome rate inside and outside the window,
each with a Wilson 95 % interval, and the difference with a Newcombe 95 % interval. A window is
*confirmed* when that interval lies above zero. A window (or the set of all windows) that holds
fewer than ``MIN_SUPPORT`` held-out rows is not shown: too few rows to judge it.

Which columns may carry a window: a window is advice to run a process *setting* in a range. On
run-to-failure and other time-to-event data the sensor readings and their rolling means are
symptoms of wear (the cause runs from failure to reading), so there only columns named as
settings (:func:`controllable`) qualify; derived features (rolling means) never do.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mfgdata.modeling.insight import operating_window

Arr = NDArray[Any]
#: Held-out rows a window (and all windows at once) must hold to be shown.
MIN_SUPPORT = 30
Z95 = 1.959963984540054
#: Settings, set points and manipulated variables (``op_setting_1``, ``JacketTemperatureSP``,
#: ``XMV_3``, ``온도설정``): the columns an operator sets.
_SETTING = re.compile(
    r"(setting|set_?point|(^|_)sp(_|\d|$)|(^|_)x?mv(_|\d|$)|manipulated|recipe|설정|지령|조작)",
    re.IGNORECASE,
)
_CAMEL_SP = re.compile(r"[a-z0-9]SP\d*$")


def controllable(name: str) -> bool:
    """A column an operator sets: a setting, set point or manipulated variable by its name."""
    return bool(_SETTING.search(name) or _CAMEL_SP.search(name))


def eligible(feature: dict[str, Any], task: str) -> bool:
    """May this feature carry an operating window for ``task`` (see the module docstring)?"""
    if feature["kind"] != "numeric":
        return False
    return task != "rul" or controllable(str(feature["source"]))


def wilson(k: int, n: int) -> list[float] | None:
    """Wilson score 95 % interval of k successes in n trials."""
    if n == 0:
        return None
    p = k / n
    d = 1 + Z95**2 / n
    c = (p + Z95**2 / (2 * n)) / d
    h = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / d
    return [float(max(0.0, c - h)), float(min(1.0, c + h))]


def newcombe(k1: int, n1: int, k2: int, n2: int) -> list[float] | None:
    """Newcombe (hybrid Wilson) 95 % interval of p1 − p2."""
    a, b = wilson(k1, n1), wilson(k2, n2)
    if a is None or b is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    lo = d - np.sqrt((p1 - a[0]) ** 2 + (b[1] - p2) ** 2)
    hi = d + np.sqrt((a[1] - p1) ** 2 + (p2 - b[0]) ** 2)
    return [float(lo), float(hi)]


def measure(inside: NDArray[np.bool_], bad: NDArray[np.bool_]) -> dict[str, Any]:
    """Bad rate inside / outside a mask, with intervals; the difference outside − inside."""
    n_in, n_out = int(inside.sum()), int((~inside).sum())
    k_in, k_out = int(bad[inside].sum()), int(bad[~inside].sum())
    diff = newcombe(k_out, n_out, k_in, n_in)
    overall = float(bad.mean()) if len(bad) else None
    rate_in = k_in / n_in if n_in else None
    return {
        "rows": len(bad),
        "rows_inside": n_in,
        "bad_inside": k_in,
        "rate_inside": rate_in,
        "rate_inside_ci95": wilson(k_in, n_in),
        "rows_outside": n_out,
        "bad_outside": k_out,
        "rate_outside": k_out / n_out if n_out else None,
        "rate_outside_ci95": wilson(k_out, n_out),
        "rate_overall": overall,
        "difference": (k_out / n_out - k_in / n_in) if n_in and n_out else None,
        "difference_ci95": diff,
        "relative_reduction": (overall - rate_in) / overall
        if overall and rate_in is not None
        else None,
        "relative_reduction_ci95": _relative_ci(k_in, n_in, k_out, n_out),
        "confirmed": bool(diff is not None and diff[0] > 0),
    }


def _relative_ci(k_in: int, n_in: int, k_out: int, n_out: int) -> list[float] | None:
    """95 % interval of 1 − rate_inside / rate_overall: a bootstrap of the held-out rows done on
    their four cell counts (inside/outside × bad/good, multinomial: the same as resampling rows),
    seeded, widened to hold the Wilson bounds of the inside rate over the overall rate."""
    n = n_in + n_out
    if not n_in or not (k_in + k_out):
        return None
    cells = np.array([k_in, n_in - k_in, k_out, n_out - k_out], dtype=np.float64)
    draws = np.random.default_rng(0).multinomial(n, cells / n, size=2000).astype(np.float64)
    ins, bad_all = draws[:, 0] + draws[:, 1], draws[:, 0] + draws[:, 2]
    ok = (ins > 0) & (bad_all > 0)
    rel = 1 - (draws[ok, 0] / ins[ok]) / (bad_all[ok] / n)
    lo, hi = np.quantile(rel, [0.025, 0.975])
    # a cell of zero never varies in the bootstrap: widen by the Wilson bounds of the inside rate
    w = wilson(k_in, n_in)
    overall = (k_in + k_out) / n
    assert w is not None
    return [float(min(lo, 1 - w[1] / overall)), float(max(hi, 1 - w[0] / overall))]


def validate(
    X: Arr,
    names: list[str],
    bad: NDArray[np.bool_],
    train: Arr,
    test: Arr,
    candidates: list[str],
    limit: int = 3,
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], dict[str, Any] | None]:
    """Windows found on ``train`` rows and measured on ``test`` rows, in ``candidates`` order,
    until ``limit`` are shown. A window is shown when ``MIN_SUPPORT`` held-out rows lie inside
    it; it joins the joint measure (``in_joint``) while the rows inside all joined windows stay
    at ``MIN_SUPPORT`` or more.

    Returns (shown windows, windows not shown with why, the joint measure with the names of the
    windows it holds, or None when no window is shown)."""
    shown: dict[str, dict[str, Any]] = {}
    hidden: list[dict[str, Any]] = []
    joint = np.ones(len(test), dtype=bool)
    for name in candidates:
        if len(shown) >= limit:
            break
        col = X[:, names.index(name)]
        w = operating_window(col[train], bad[train])
        if w is None:
            continue
        found = {k: w[k] for k in ("support", "bad_in_window", "rate_in_window", "rate_outside")}
        found["rows"] = len(train)
        x_te = col[test]
        inside = np.isfinite(x_te) & (x_te >= w["lo"]) & (x_te <= w["hi"])
        n_in = int(inside.sum())
        if n_in < MIN_SUPPORT:
            hidden.append(_hidden(name, w, n_in))
            continue
        in_joint = int((joint & inside).sum()) >= MIN_SUPPORT
        if in_joint:
            joint &= inside
        shown[name] = {
            "lo": w["lo"],
            "hi": w["hi"],
            "found_on_training_rows": found,
            "held_out": measure(inside, bad[test]),
            "in_joint": in_joint,
        }
    if not shown:
        return shown, hidden, None
    together = {
        **measure(joint, bad[test]),
        "windows": [k for k, w in shown.items() if w["in_joint"]],
    }
    return shown, hidden, together


def _hidden(name: str, w: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "feature": name,
        "lo": w["lo"],
        "hi": w["hi"],
        "held_out_rows_inside": n,
        "reason_en": f"{n} held-out rows inside (at least {MIN_SUPPORT})",
        "reason_ko": f"범위 안 시험 행 {n}개 (최소 {MIN_SUPPORT})",
    }
