"""Per-rep measures (timing, side, variation) and the fault rules, judged from profile data.

Every rule reads its thresholds from the profile and returns evidence (frame, time, measured
value, threshold, severity) with a plain-words cue. A rule the view cannot judge, or whose
measure could not be taken, is reported as not assessed with the reason, never silently passed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck.core.kinematics import BOTH_PLANTED, LEFT_PLANTED, RIGHT_PLANTED
from formcheck.core.neck import head_hidden, neck_reading
from formcheck.core.profile import Profile
from formcheck.core.report import Fault, NotAssessed, Rep
from formcheck.core.reps import RepWindow
from formcheck.core.stats import finite_median as _median
from formcheck.core.view import view_family
from formcheck.core.vocab import END_ON_FAMILIES, FAULT_CODES, SIDE_OF_INDEX, FaultCode, Severity, Side, Variation, ViewFamily

# What each fault needs measured, and why a view cannot judge it (plain words for the user).
_NEEDS = {
    FaultCode.INCOMPLETE_HIP_EXTENSION: "hip_deg", FaultCode.BACK_HYPEREXTENSION: "hip_deg",
    FaultCode.NECK_HYPEREXTENSION: "neck_deg", FaultCode.UNLEVEL_HIPS: "pelvis_deg", FaultCode.ELBOW_PUSH: "elbow_deg",
    FaultCode.NO_TOP_HOLD: "hip_deg", FaultCode.FOOT_PLACEMENT: "knee_deg", FaultCode.FREE_LEG_POSITION: "free_hip_deg",
    FaultCode.FAST_DESCENT: "hip_deg",
}
# What each fault judges, in plain words, for the reasons given when a view cannot judge it.
_WHAT = {
    FaultCode.INCOMPLETE_HIP_EXTENSION: "hip extension at the top", FaultCode.BACK_HYPEREXTENSION: "arching at the top",
    FaultCode.NECK_HYPEREXTENSION: "the head and neck line", FaultCode.UNLEVEL_HIPS: "hip level",
    FaultCode.ELBOW_PUSH: "pushing with the elbows", FaultCode.NO_TOP_HOLD: "the hold at the top",
    FaultCode.FOOT_PLACEMENT: "foot placement (knee angle at the top)", FaultCode.FREE_LEG_POSITION: "the free leg",
    FaultCode.FAST_DESCENT: "the speed of the descent",
}


def _view_reason(code: str, family: str) -> str:
    """Why a view cannot judge a fault; the same words for every fault a view cannot judge, so
    that summaries can group them."""
    if family == ViewFamily.SIDE:
        return f"{_WHAT[code]} cannot be seen side-on: it needs a camera at your feet or behind your head"
    if family in END_ON_FAMILIES:
        where = "feet" if family == ViewFamily.FRONT else "head"
        return f"needs a side view: seen from the {where}, the body's angles point at the camera"
    if family == ViewFamily.OBLIQUE:
        return "not judged from an oblique view: MediaPipe's angles there were 15-30 deg off on real clips"
    return "the camera view could not be determined"


@dataclass(frozen=True)
class RepTiming:
    start: int
    top_start: int
    top_end: int
    end: int
    concentric_s: float
    hold_s: float
    eccentric_s: float


def _contiguous_around(mask: np.ndarray, center: int) -> tuple[int, int]:
    lo = hi = center
    while lo - 1 >= 0 and mask[lo - 1]:
        lo -= 1
    while hi + 1 < mask.size and mask[hi + 1]:
        hi += 1
    return lo, hi


@dataclass(frozen=True)
class RepSignal:
    """The per-frame measure reps are segmented and timed on, with its bands in its own unit.

    Side-on and oblique it is the hip extension (degrees); from the feet or the head the hip's
    image lift, or offline the whole body's (shoulder widths, see ``[lift]`` in the profile)."""

    name: str
    hold_band: float  # within this of the peak = at the top (top window; a hold happens inside it)
    tempo_top_band: float  # tempo runs from/to within this of the peak
    tempo_bottom_frac: float  # ... and within this fraction of the range of the bottom
    pause_speed_frac: float  # paused = slower than this fraction of the rep's fastest speed ...
    pause_speed_floor: float  # ... or than this (signal unit per second), whichever is larger
    pause_window_s: float  # speed = slope of a line fitted over this long
    hold_is_pause: bool = False  # hold = the longest pause in the top window, else the window itself

    @classmethod
    def hip(cls, profile: Profile) -> "RepSignal":
        rule = profile.fault(FaultCode.NO_TOP_HOLD)
        return cls("hip_deg", rule.band_deg, profile.reps.tempo_top_band_deg,
                   profile.reps.tempo_bottom_band_frac, rule.pause_speed_frac, rule.pause_speed_floor_deg_s,
                   rule.pause_window_s, rule.hold_measure == "pause")


def _speed(t_s: np.ndarray, x: np.ndarray, half_window_s: float) -> np.ndarray:
    """|slope| of a least-squares line through each frame's +-half_window_s neighbours (NaNs
    skipped): landmark jitter of a pixel or two makes frame-to-frame speed flicker past any
    pause threshold, a slope over ~0.2 s does not."""
    ok = np.isfinite(x) & np.isfinite(t_s)
    if ok.sum() < 2:
        return np.full(x.shape, np.nan)
    tt = np.where(ok, t_s - t_s[ok][0], 0.0)
    xx = np.where(ok, x, 0.0)
    c = [np.concatenate([[0.0], np.cumsum(v)]) for v in (ok * 1.0, tt, xx, tt * tt, tt * xx)]
    lo = np.searchsorted(t_s, t_s - half_window_s - 1e-9, side="left")
    hi = np.searchsorted(t_s, t_s + half_window_s + 1e-9, side="right")
    n, st, sx, stt, stx = (v[hi] - v[lo] for v in c)
    with np.errstate(invalid="ignore", divide="ignore"):
        den = n * stt - st * st
        slope = (n * stx - st * sx) / den
    return np.where(ok & (n >= 2) & (den > 0), np.abs(slope), np.nan)


def pause_s(t_s: np.ndarray, x: np.ndarray, max_speed_per_s: float, half_window_s: float) -> float:
    """The longest stretch of ``x`` (one rep's top window) moving slower than ``max_speed_per_s``.

    A hold is a pause, not time spent near the peak: a slow rep that turns smoothly at the top
    spends ~0.4 s within 5 deg of it without stopping, yet its speed is low only at the turn."""
    speed = _speed(t_s, x, half_window_s)
    return _longest_run(np.isfinite(speed) & (speed <= max_speed_per_s), t_s)[0] if x.size > 1 else 0.0


def pause_speed(t_s: np.ndarray, x: np.ndarray, sig: RepSignal) -> float:
    """The speed under which one rep (its whole window) counts as paused: relative to its own
    fastest movement, so that a slow rep's smooth turn and a fast rep's short hold both read true."""
    speed = _speed(t_s, x, sig.pause_window_s / 2)
    top = float(np.nanmax(speed)) if np.isfinite(speed).any() else 0.0
    return max(sig.pause_speed_floor, sig.pause_speed_frac * top)


def rep_timing(w: RepWindow, t_s: np.ndarray, hip: np.ndarray, profile: Profile,
               signal: RepSignal | None = None) -> RepTiming:
    """Concentric, hold and eccentric from the rep signal's trace (``hip``) of one rep window.

    The top window is the time within the no_top_hold band of the peak; the hold is that window
    (``hold_measure = "band"``) or the longest pause inside it (``"pause"``, see ``pause_s``). The concentric and eccentric
    run between the tempo bands, tight ones (``reps.tempo_*``) so that a smooth movement's slow
    start and finish count: from the last frame near the bottom to the first near the peak, and
    from the last near the peak to the first back near the bottom.
    """
    sig = signal or RepSignal.hip(profile)
    band, tempo_top, frac = sig.hold_band, sig.tempo_top_band, sig.tempo_bottom_frac
    s, p, e = w.start_frame, w.peak_frame, w.end_frame
    seg = hip[s:e + 1]
    finite = np.isfinite(seg)
    lo, hi = _contiguous_around(finite & (seg >= w.peak_hip_deg - band), p - s)
    top_start, top_end = s + lo, s + hi
    if sig.hold_is_pause:
        slow = pause_speed(t_s[s:e + 1], seg, sig)
        hold_s = pause_s(t_s[top_start:top_end + 1], hip[top_start:top_end + 1], slow, sig.pause_window_s / 2)
    else:
        hold_s = float(t_s[top_end] - t_s[top_start])
    near_peak = np.flatnonzero(finite & (seg >= w.peak_hip_deg - tempo_top))
    up_end, down_start = s + int(near_peak[0]), s + int(near_peak[-1])

    def near_bottom(a: int, b: int, base: float) -> np.ndarray:
        part = hip[a:b + 1]
        return a + np.flatnonzero(np.isfinite(part) & (part <= base + frac * (w.peak_hip_deg - base)))

    if w.opened_at_top:
        conc_start, concentric_s = s, float("nan")
    else:
        low = near_bottom(s, up_end, hip[s])
        conc_start = int(low[-1]) if low.size else s
        concentric_s = float(t_s[up_end] - t_s[conc_start])
    if w.closed_at_top:
        ecc_end, eccentric_s = e, float("nan")
    else:
        low = near_bottom(down_start, e, hip[e])
        ecc_end = int(low[0]) if low.size else e
        eccentric_s = float(t_s[ecc_end] - t_s[down_start])
    return RepTiming(conc_start, top_start, top_end, ecc_end, concentric_s, hold_s, eccentric_s)


def rep_side_and_variation(tm: RepTiming, leg_state: np.ndarray) -> tuple[str, str, int | None]:
    """(side, variation, working label index 0=left/1=right or None) from the planted-leg states."""
    def single_share(a: int, b: int) -> tuple[float, int, int]:
        st = leg_state[a:b + 1]
        n_l = int(np.sum(st == LEFT_PLANTED))
        n_r = int(np.sum(st == RIGHT_PLANTED))
        n_b = int(np.sum(st == BOTH_PLANTED))
        n = n_l + n_r + n_b
        return ((n_l + n_r) / n if n else 0.0), n_l, n_r

    conc, cl, cr = single_share(tm.start, tm.top_start)
    ecc, el, er = single_share(tm.top_end, tm.end)
    top, tl, tr = single_share(tm.top_start, tm.top_end)
    n_l, n_r = cl + el + tl, cr + er + tr
    if conc >= 0.5 and top >= 0.5:
        variation = Variation.SINGLE_LEG
    elif top >= 0.5 or ecc >= 0.5:
        variation = Variation.TWO_UP_ONE_DOWN
    else:
        return Side.BOTH, Variation.TWO_LEG, None
    work = 0 if n_l >= n_r else 1
    return SIDE_OF_INDEX[work], variation, work


def _longest_run(mask: np.ndarray, t_s: np.ndarray) -> tuple[float, int, int]:
    """Longest True run as (duration_s, first, last) index within the arrays."""
    best = (0.0, -1, -1)
    i = 0
    n = mask.size
    while i < n:
        if mask[i]:
            j = i
            while j + 1 < n and mask[j + 1]:
                j += 1
            dur = float(t_s[j] - t_s[i]) + (float(np.median(np.diff(t_s))) if n > 1 else 0.0)
            if dur > best[0]:
                best = (dur, i, j)
            i = j + 1
        else:
            i += 1
    return best


class RuleContext:
    """What the rules read for one rep: the measure table, timing, and the profile."""

    def __init__(self, m: dict[str, np.ndarray], t_s: np.ndarray, w: RepWindow, tm: RepTiming,
                 profile: Profile, variation: str, work: int | None) -> None:
        self.m, self.t, self.w, self.tm, self.p = m, t_s, w, tm, profile
        self.variation, self.work = variation, work

    def fault(self, code: str, severity: str, value: float, threshold: float, frame: int,
              cue: str | None = None, unit: str = "deg", detail: str = "") -> Fault:
        return Fault(code=code, severity=severity, value=float(value), threshold=float(threshold),
                     t_s=float(self.t[frame]), frame=int(frame),
                     cue=cue if cue is not None else self.p.fault(code).cue, unit=unit,
                     detail=detail)

    def top(self, name: str) -> np.ndarray:
        return self.m[name][self.tm.top_start:self.tm.top_end + 1]


def _rule_hip(ctx: RuleContext) -> list[Fault]:
    out = []
    w = ctx.w
    inc = ctx.p.fault(FaultCode.INCOMPLETE_HIP_EXTENSION)
    if inc.enabled:
        if w.peak_hip_deg < inc.fault_below_deg:
            out.append(ctx.fault(FaultCode.INCOMPLETE_HIP_EXTENSION, Severity.FAULT, w.peak_hip_deg, inc.fault_below_deg, w.peak_frame))
        elif w.peak_hip_deg < inc.warn_below_deg:
            out.append(ctx.fault(FaultCode.INCOMPLETE_HIP_EXTENSION, Severity.WARN, w.peak_hip_deg, inc.warn_below_deg, w.peak_frame))
    hyp = ctx.p.fault(FaultCode.BACK_HYPEREXTENSION)
    if hyp.enabled and w.peak_hip_deg > hyp.fault_above_deg:
        out.append(ctx.fault(FaultCode.BACK_HYPEREXTENSION, Severity.FAULT, w.peak_hip_deg, hyp.fault_above_deg, w.peak_frame))
    return out


def _rule_neck(ctx: RuleContext) -> list[Fault]:
    cfg = ctx.p.fault(FaultCode.NECK_HYPEREXTENSION)
    s, e = ctx.tm.start, ctx.tm.end
    # A hidden head is still flagged when the readings show it dropped; if they do not, the rep
    # is reported as not judged (see ``unmeasured``), never as a pass.
    hip = ctx.m["hip_deg"][s:e + 1]
    neck = neck_reading(ctx.m, s, e, ctx.p)
    near = np.isfinite(hip) & (hip >= ctx.w.peak_hip_deg - cfg.near_top_deg)
    bad = near & np.isfinite(neck) & (neck < cfg.fault_below_deg)
    dur, a, b = _longest_run(bad, ctx.t[s:e + 1])
    if dur >= cfg.min_duration_s:
        k = a + int(np.argmin(neck[a:b + 1]))
        return [ctx.fault(FaultCode.NECK_HYPEREXTENSION, Severity.FAULT, neck[k], cfg.fault_below_deg, s + k,
                          detail=f"head back for {dur:.1f} s near the top")]
    return []


def _rule_pelvis(ctx: RuleContext) -> list[Fault]:
    cfg = ctx.p.fault(FaultCode.UNLEVEL_HIPS)
    tilt = _median(ctx.top("pelvis_deg"))
    if not np.isfinite(tilt):
        return []
    frame = ctx.w.peak_frame
    low = Side.LEFT if tilt > 0 else Side.RIGHT
    detail = f"{low} hip lower"
    if abs(tilt) > cfg.fault_above_deg:
        return [ctx.fault(FaultCode.UNLEVEL_HIPS, Severity.FAULT, abs(tilt), cfg.fault_above_deg, frame, detail=detail)]
    if abs(tilt) > cfg.warn_above_deg:
        return [ctx.fault(FaultCode.UNLEVEL_HIPS, Severity.WARN, abs(tilt), cfg.warn_above_deg, frame, detail=detail)]
    return []


def _rule_elbow(ctx: RuleContext) -> list[Fault]:
    cfg = ctx.p.fault(FaultCode.ELBOW_PUSH)
    s, top = ctx.tm.start, ctx.tm.top_start
    if ctx.w.opened_at_top or top <= s:
        return []
    elbow = ctx.m["elbow_deg"][s:top + 1]
    below = ctx.m["elbow_below"][s:top + 1]
    sh_up = ctx.m["shoulder_up_tl"][s:top + 1]
    if not np.isfinite(elbow[:3]).any():
        return []
    start_elbow = _median(elbow[:3])
    bent = start_elbow < cfg.max_bent_elbow_deg and _median(below[:3]) >= 0.5
    if not bent:
        return []
    opening = float(np.nanmax(elbow) - start_elbow)
    rise = float(np.nanmax(sh_up) - _median(sh_up[:3])) if np.isfinite(sh_up).any() else 0.0
    if opening > cfg.min_elbow_open_deg:
        k = s + int(np.nanargmax(elbow))
        return [ctx.fault(FaultCode.ELBOW_PUSH, Severity.FAULT, opening, cfg.min_elbow_open_deg, k,
                          detail="elbow angle opened during the lift")]
    if rise > cfg.min_shoulder_rise_tl:
        k = s + int(np.nanargmax(sh_up))
        return [ctx.fault(FaultCode.ELBOW_PUSH, Severity.FAULT, rise, cfg.min_shoulder_rise_tl, k, unit="torso lengths",
                          detail="shoulders rose off the bench during the lift")]
    return []


def _rule_hold(ctx: RuleContext) -> list[Fault]:
    cfg = ctx.p.fault(FaultCode.NO_TOP_HOLD)
    if ctx.w.opened_at_top or ctx.w.closed_at_top:
        return []  # the hold may be cut off by the clip's start or end
    if ctx.tm.hold_s < cfg.min_hold_s:
        return [ctx.fault(FaultCode.NO_TOP_HOLD, Severity.FAULT, ctx.tm.hold_s, cfg.min_hold_s, ctx.w.peak_frame, unit="s")]
    return []


def _rule_feet(ctx: RuleContext) -> list[Fault]:
    cfg = ctx.p.fault(FaultCode.FOOT_PLACEMENT)
    knee = _median(ctx.top("knee_deg"))
    if not np.isfinite(knee):
        return []
    if knee > cfg.max_knee_deg:
        return [ctx.fault(FaultCode.FOOT_PLACEMENT, Severity.FAULT, knee, cfg.max_knee_deg, ctx.w.peak_frame,
                          cue=cfg.cue_far, detail="foot too far from the hips")]
    if knee < cfg.min_knee_deg:
        return [ctx.fault(FaultCode.FOOT_PLACEMENT, Severity.FAULT, knee, cfg.min_knee_deg, ctx.w.peak_frame,
                          cue=cfg.cue_close, detail="foot too close to the hips")]
    return []


def _rule_free_leg(ctx: RuleContext) -> list[Fault]:
    cfg = ctx.p.fault(FaultCode.FREE_LEG_POSITION)
    if ctx.work is None:
        return []
    out = []
    flex = _median(ctx.top("free_hip_deg"))
    if np.isfinite(flex) and not (cfg.min_hip_deg <= flex <= cfg.max_hip_deg):
        thr = cfg.min_hip_deg if flex < cfg.min_hip_deg else cfg.max_hip_deg
        out.append(ctx.fault(FaultCode.FREE_LEG_POSITION, Severity.FAULT, flex, thr, ctx.w.peak_frame,
                             detail="free hip flexion at the top"))
    # Touch-down: the free ankle comes back to the planted one's height mid-rep.
    a = ctx.tm.top_start if ctx.variation == Variation.TWO_UP_ONE_DOWN else ctx.tm.start
    b = ctx.tm.end
    up_l, up_r = ctx.m["ankle_up_left_px"][a:b + 1], ctx.m["ankle_up_right_px"][a:b + 1]
    free_up = (up_r - up_l) if ctx.work == 0 else (up_l - up_r)
    with np.errstate(invalid="ignore", divide="ignore"):
        free_up = free_up / ctx.m["torso_len_px"][a:b + 1]
    # Judge touches only once the free foot has been lifted (in two-up/one-down it rises at the top).
    lifted = np.flatnonzero(np.isfinite(free_up) & (free_up >= ctx.p.measure.free_leg_up_tl))
    if lifted.size:
        free_up = free_up.copy()
        free_up[: lifted[0]] = np.nan
    else:
        free_up = np.full_like(free_up, np.nan)
    # Mid-rep only: putting the foot down at the bottom (to switch legs, or to end) is no fault.
    hip = ctx.m["hip_deg"][a:b + 1]
    low_hip = min(ctx.m["hip_deg"][ctx.tm.start], ctx.m["hip_deg"][ctx.tm.end])
    mid_rep = np.isfinite(hip) & (hip > low_hip + ctx.p.reps.bottom_band_frac * (ctx.w.peak_hip_deg - low_hip))
    down = mid_rep & np.isfinite(free_up) & (free_up < cfg.touch_down_tl)
    dur, i, _ = _longest_run(down, ctx.t[a:b + 1])
    if dur >= cfg.min_touch_s and not out:
        out.append(ctx.fault(FaultCode.FREE_LEG_POSITION, Severity.FAULT, float(free_up[i]), cfg.touch_down_tl, a + i,
                             unit="torso lengths", detail=f"free foot touched down for {dur:.1f} s"))
    return out


def _rule_descent(ctx: RuleContext) -> list[Fault]:
    cfg = ctx.p.fault(FaultCode.FAST_DESCENT)
    ecc = ctx.tm.eccentric_s
    if np.isfinite(ecc) and ecc < cfg.min_eccentric_s:
        return [ctx.fault(FaultCode.FAST_DESCENT, Severity.FAULT, ecc, cfg.min_eccentric_s, ctx.tm.top_end, unit="s")]
    return []


_RULES = {
    FaultCode.INCOMPLETE_HIP_EXTENSION: _rule_hip,  # also back_hyperextension
    FaultCode.NECK_HYPEREXTENSION: _rule_neck,
    FaultCode.UNLEVEL_HIPS: _rule_pelvis,
    FaultCode.ELBOW_PUSH: _rule_elbow,
    FaultCode.NO_TOP_HOLD: _rule_hold,
    FaultCode.FOOT_PLACEMENT: _rule_feet,
    FaultCode.FREE_LEG_POSITION: _rule_free_leg,
    FaultCode.FAST_DESCENT: _rule_descent,
}


def assessable(profile: Profile, view: str) -> tuple[set[str], list[NotAssessed]]:
    """Fault codes this view can judge, and the rest with their reasons."""
    fam = view_family(view)
    ok: set[str] = set()
    skipped: list[NotAssessed] = []
    for code in profile.enabled_faults():
        if fam in profile.fault(code).views:
            ok.add(code)
        else:
            cfg = profile.fault(code)
            # A profile's own reason replaces the generic one where it knows better: for every
            # view when the fault is judged in none, and from the feet or the head otherwise.
            own = not cfg.views or fam in END_ON_FAMILIES
            reason = cfg.not_judged_reason if own else None
            skipped.append(NotAssessed(code, reason or _view_reason(code, fam)))
    return ok, skipped


def judge_rep(index: int, w: RepWindow, m: dict[str, np.ndarray], t_s: np.ndarray,
              leg_state: np.ndarray, profile: Profile, codes: set[str],
              signal: RepSignal | None = None) -> Rep:
    """Measure one rep window (found on ``signal``) and apply every assessable rule to it."""
    sig = signal or RepSignal.hip(profile)
    tm = rep_timing(w, t_s, m[sig.name], profile, sig)
    on_lift = sig.name != "hip_deg"
    if on_lift:
        # The rules read the hip angle at the top the signal found.
        w = replace(w, peak_hip_deg=float(m["hip_deg"][w.peak_frame]))
    side, variation, work = rep_side_and_variation(tm, leg_state)
    ctx = RuleContext(m, t_s, w, tm, profile, variation, work)
    faults: list[Fault] = []
    for code, rule in _RULES.items():
        if code == FaultCode.INCOMPLETE_HIP_EXTENSION:
            if codes & {FaultCode.INCOMPLETE_HIP_EXTENSION, FaultCode.BACK_HYPEREXTENSION}:
                faults.extend(f for f in rule(ctx) if f.code in codes)
        elif code in codes:
            if code == FaultCode.FREE_LEG_POSITION and variation == Variation.TWO_LEG:
                continue
            faults.extend(rule(ctx))
    knee_top = _median(ctx.top("knee_deg"))
    peak_hip = float(w.peak_hip_deg)
    if on_lift:
        # From the feet or the head the angles point at the camera (20-65 deg off on rendered
        # clips): a number in the report would read as a verdict, so none is given.
        peak_hip = knee_top = float("nan")
    return Rep(
        index=index, start_s=float(t_s[tm.start]), top_s=float(t_s[w.peak_frame]), end_s=float(t_s[tm.end]),
        side=side, variation=variation, peak_hip_extension_deg=peak_hip,
        knee_at_top_deg=knee_top, hold_s=tm.hold_s, concentric_s=tm.concentric_s, eccentric_s=tm.eccentric_s,
        start_frame=tm.start, top_frame=w.peak_frame, end_frame=tm.end,
        faults=tuple(sorted(faults, key=lambda f: FAULT_CODES.index(f.code))), counted=w.counted,
    )


def unmeasured(reps: list[Rep], m: dict[str, np.ndarray], codes: set[str],
               profile: Profile | None = None) -> list[NotAssessed]:
    """Assessable faults whose measure was missing on some reps: say so instead of passing them."""
    out = []
    for code in sorted(codes, key=FAULT_CODES.index):
        name = _NEEDS[code]
        if name not in m:
            out.append(NotAssessed(code, f"{name} is not measured from this input"))
            continue
        missing = [r.index for r in reps
                   if not np.isfinite(m[name][r.start_frame:r.end_frame + 1]).any()]
        if missing and code == FaultCode.FREE_LEG_POSITION:
            missing = [r.index for r in reps if r.index in missing and r.variation != Variation.TWO_LEG]
        if missing:
            which = "any rep" if len(missing) == len(reps) else "reps " + ", ".join(map(str, missing))
            out.append(NotAssessed(code, f"{name.removesuffix('_deg')} could not be measured on {which} "
                                         "(landmarks hidden or not visible)"))
        elif code == FaultCode.NECK_HYPEREXTENSION and profile is not None:
            hidden = [r.index for r in reps if head_hidden(m, r.start_frame, r.end_frame, r.peak_hip_extension_deg, profile)
                      and not any(f.code == code for f in r.faults)]
            if hidden:
                which = "any rep" if len(hidden) == len(reps) else "reps " + ", ".join(map(str, hidden))
                out.append(NotAssessed(code, f"the neck was not judged on {which}: the head was hidden behind "
                                             "the arm at the top, so a dropped head can read level; film from "
                                             "about 1 m high so the face shows over the arm"))
    return out
