"""The one streaming analyzer behind both live coaching and offline analysis.

``update(t_s, image, world)`` takes one frame and returns a FrameResult (causal: One Euro
smoothing, the streaming rep segmenter, cues as reps happen). ``finish()`` returns the SetReport.
Offline drivers call ``extend(series)`` then ``finish()``; finish always analyses the whole
buffered set with zero-phase smoothing (the non-causal refinement) through the same measure
table, segmenter and rules that live uses, so there is no second copy of the rules.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from formcheck.core import exercise as exercise_mod
from formcheck.core.body_lift import body_lift_for
from formcheck.core.errors import ConfigError, NoPersonError
from formcheck.core.faults import assessable, judge_rep, rep_timing, unmeasured
from formcheck.core.kinematics import LegTracker
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.measures import SMOOTHED, measure_table
from formcheck.core.profile import EXERCISES, Profile, load_profile
from formcheck.core.report import FrameResult, Rep, SetReport
from formcheck.core.reps import RepWindow, Segmenter
from formcheck.core.setup import decide_setup
from formcheck.core.signals import lift_signal_name, refine_peak, rep_signal, reps_config, spike_min
from formcheck.core.smoothing import OneEuroFilter, smooth_offline
from formcheck.core.stats import count_by_side, finite_median, working_side
from formcheck.core.view import ViewEstimate, camera_advice, estimate_view, shown_angles, view_family
from formcheck.core.vocab import (AUTO, DEFAULT_EXERCISE, LEFT_ANKLE, LEFT_KNEE, N_LANDMARKS, PARTIAL, RIGHT_ANKLE, RIGHT_KNEE,
                                  SIDE_CHOICES, SIDE_OF_INDEX, FaultCode, Severity, Side, View, ViewFamily)

SIDES = SIDE_CHOICES
LIVE_VIEW_EVERY = 15  # frames between live view re-estimates
LIVE_VIEW_WINDOW = 150  # frames the live view estimate looks back over
MIN_PERSON_FRAMES = 5
LIVE_RESMOOTH_MARGIN = 30  # frames before a rep's start re-smoothed with it (filter edge room)


@dataclass
class _Live:
    """State of the causal (live) path."""

    filt: OneEuroFilter
    tracker: LegTracker
    seg: Segmenter
    view: ViewEstimate
    table: dict[str, list[float]]
    reps: list[Rep]
    partials: int
    cues: list[tuple[float, str, str]]  # (expires_t_s, code, cue)
    last_single_work: int
    raw: dict[str, list[float]]  # unsmoothed measures, re-smoothed zero-phase to judge a past rep


class Analyzer:
    """Streaming analyzer of one set. Not thread-safe: one driver feeds it."""

    def __init__(self, image_size: tuple[int, int], *, exercise: str = AUTO, side: str = AUTO,
                 profile_path: str | None = None, source: str = "", meta: dict | None = None,
                 profile: Profile | None = None) -> None:
        """``profile``: the already loaded profile of ``exercise`` (of the default exercise when
        auto) with ``profile_path`` applied, so a caller that checked it up front need not load
        it twice."""
        if side not in SIDES:
            raise ConfigError(f"unknown side {side!r}; choose auto, left or right")
        self.image_size = (int(image_size[0]), int(image_size[1]))
        self.exercise_arg = exercise
        self.side_arg = side
        self.profile_path = profile_path
        self.source = source
        self.meta = dict(meta or {})
        self.profile = profile or initial_profile(exercise, profile_path)
        self._t: list[float] = []
        self._image: list[np.ndarray] = []
        self._world: list[np.ndarray | None] = []
        self._live: _Live | None = None
        # (first frame, side) from which reps are labelled with a side the user gave.
        self._side_changes: list[tuple[int, str]] = [(0, side)]

    # -- feeding ------------------------------------------------------------------------
    def extend(self, series: LandmarkSeries) -> None:
        """Buffer a whole series (offline): no per-frame live work."""
        if tuple(series.image_size) != self.image_size:
            raise ConfigError("series frame size differs from the analyzer's")
        self._t.extend(series.t_s.tolist())
        self._image.extend(series.image)
        self._world.extend(series.world if series.world is not None else [None] * len(series))

    def _new_live(self) -> _Live:
        sm = self.profile.smoothing
        ms = self.profile.measure
        return _Live(
            filt=OneEuroFilter(sm.live_min_cutoff_hz, sm.live_beta, reset_after_s=sm.max_gap_s),
            tracker=LegTracker(ms.free_leg_up_tl, ms.free_leg_down_tl),
            seg=Segmenter(reps_config(self.profile, View.UNKNOWN)),
            view=ViewEstimate(View.UNKNOWN, float("nan"), 0.0, None),
            table={k: [] for k in SMOOTHED + ("elbow_below", "torso_len_px", "shoulder_up_px",
                                              "ankle_up_left_px", "ankle_up_right_px", "leg_state",
                                              "work_index", "free_foot_up_tl", "head_arm_tl")},
            reps=[], partials=0, cues=[], last_single_work=0 if self.side_arg != Side.RIGHT else 1,
            raw={k: [] for k in SMOOTHED},
        )

    def update(self, t_s: float, image: np.ndarray | None, world: np.ndarray | None = None) -> FrameResult:
        """One frame (image landmarks (33, 4) or None for no person). Returns what live shows.

        Three steps: measure the frame (causal smoothing), re-judge the reps the segmenter just
        decided or closed (zero-phase, as offline), and build what live shows."""
        i, image = self._append(t_s, image, world)
        lv = self._live_at(i)
        sm = self._measure_live(lv, i, float(t_s), image, world)
        sig = rep_signal(self.profile, lv.view.view)
        hip, knee = sm[SMOOTHED.index(sig.name)], sm[SMOOTHED.index("knee_deg")]
        phase, closed, decided = lv.seg.step(i, float(t_s), float(hip), float(knee))
        new_rep = None
        if decided is not None or closed:
            new_rep = self._rejudge(lv, i, t_s, sig.name, decided, list(closed))
        lv.cues = [c for c in lv.cues if c[0] > t_s]
        return self._frame_result(lv, i, t_s, image, sm, phase, new_rep)

    def _append(self, t_s: float, image: np.ndarray | None, world: np.ndarray | None) -> tuple[int, np.ndarray]:
        """Check and buffer one frame; its index and its (33, 4) image landmarks."""
        if image is None:
            image = np.full((N_LANDMARKS, 4), np.nan)
        image = np.asarray(image, dtype=np.float64)
        if image.shape != (N_LANDMARKS, 4):
            raise ConfigError(f"a frame's landmarks must have shape (33, 4), got {image.shape}")
        if self._t and t_s <= self._t[-1]:
            raise ConfigError("frame timestamps must increase")
        i = len(self._t)
        self._t.append(float(t_s))
        self._image.append(image)
        self._world.append(None if world is None else np.asarray(world, dtype=np.float64))
        return i, image

    def _live_at(self, i: int) -> _Live:
        """The live state, with the view re-estimated every LIVE_VIEW_EVERY frames."""
        if self._live is None:
            self._live = self._new_live()
        lv = self._live
        if i % LIVE_VIEW_EVERY == 0:
            lv.view = self._estimate_view(max(0, i - LIVE_VIEW_WINDOW), i + 1)
            self._set_live_config(lv)
        return lv

    def _measure_live(self, lv: _Live, i: int, t_s: float, image: np.ndarray,
                      world: np.ndarray | None) -> np.ndarray:
        """The frame's measures, One Euro-smoothed (returned) and raw (kept to re-judge reps)."""
        torso_ref = finite_median(np.asarray(lv.table["torso_len_px"][-LIVE_VIEW_WINDOW:], dtype=np.float64))
        w = None if world is None else self._world[-1][None]
        raw = measure_table(image[None], w, self.image_size, lv.view.view, self.profile, lv.tracker,
                            preferred=lv.last_single_work,
                            torso_ref_px=torso_ref if np.isfinite(torso_ref) else None)
        if raw["leg_state"][0] in (0, 1) and self._side_at(i) == AUTO:
            lv.last_single_work = int(raw["leg_state"][0])
        vec = np.array([raw[k][0] for k in SMOOTHED], dtype=np.float64)
        sm = lv.filt(t_s, vec)
        for k, v in zip(SMOOTHED, sm):
            lv.table[k].append(float(v))
            lv.raw[k].append(float(raw[k][0]))
        for k in lv.table:
            if k not in SMOOTHED:
                lv.table[k].append(float(raw[k][0]))
        return sm

    def _rejudge(self, lv: _Live, i: int, t_s: float, signal: str, decided: RepWindow | None,
                 closed: list[RepWindow]) -> Rep | None:
        """Judge the reps decided or closed on this frame; the newly counted rep, if any.

        A rep is judged once its frames are in the past, so they can be smoothed zero-phase as
        offline does (the causal filter's lag would shorten the descent it measures). Arrays are
        built only here, once per rep, never per frame."""
        t_arr = np.asarray(self._t)
        starts = [w.start_frame for w in ([decided] if decided else []) + closed]
        m = self._resmoothed(lv, t_arr, max(0, min(starts) - LIVE_RESMOOTH_MARGIN))
        decided = refine_peak(decided, m, signal)
        closed = [refine_peak(w, m, signal) for w in closed]
        if decided is not None and self.exercise_arg == AUTO:
            self._reclassify_live(lv, m, decided)
        codes, _ = assessable(self.profile, lv.view.view)
        new_rep = None
        if decided is not None and decided.counted:
            provisional = RepWindow(decided.start_frame, decided.peak_frame, i, decided.peak_hip_deg,
                                    decided.knee_at_peak_deg, True, decided.opened_at_top, closed_at_top=True)
            new_rep = self._judge(len(lv.reps) + 1, provisional, m, t_arr, codes, lv.view.view)
            lv.reps.append(new_rep)
            self._push_cues(lv, new_rep, t_s)
        elif decided is not None:
            lv.partials += 1
            lv.cues.append((t_s + self.profile.reps.live_cue_s, PARTIAL,
                            self.profile.fault(FaultCode.INCOMPLETE_HIP_EXTENSION).cue))
        for win in closed:
            if win.counted and lv.reps:
                # The descent is complete now: judge the whole rep (adds e.g. fast_descent).
                idx = next((k for k, r in enumerate(lv.reps)
                            if win.start_frame <= r.top_frame <= win.end_frame), None)
                if idx is not None:
                    full = self._judge(lv.reps[idx].index, win, m, t_arr, codes, lv.view.view)
                    shown = {f.code for f in lv.reps[idx].faults}
                    lv.reps[idx] = full
                    self._push_cues(lv, full, t_s, skip=shown)
        return new_rep

    def _resmoothed(self, lv: _Live, t_arr: np.ndarray, a: int) -> dict[str, np.ndarray]:
        """The live measure table with frames ``a:`` re-smoothed zero-phase from the raw values."""
        m = {k: np.asarray(v, dtype=np.float64) for k, v in lv.table.items()}
        smc = self.profile.smoothing
        for k in SMOOTHED:
            m[k][a:] = smooth_offline(t_arr[a:], np.asarray(lv.raw[k][a:]), sigma_s=smc.offline_sigma_s,
                                      max_gap_s=smc.max_gap_s, spike_min_deg=spike_min(self.profile, k))
        return m

    def _frame_result(self, lv: _Live, i: int, t_s: float, image: np.ndarray, sm: np.ndarray,
                      phase: str, new_rep: Rep | None) -> FrameResult:
        angles = {k: float(sm[SMOOTHED.index(k)]) for k in shown_angles(lv.view.view)}
        return FrameResult(
            frame=i, t_s=float(t_s), person=bool(np.isfinite(image[:, 0]).any()), phase=phase,
            angles_deg=angles, rep_count=len(lv.reps), reps_by_side=count_by_side(lv.reps),
            working_side=self._side_name(lv.last_single_work), view=lv.view.view,
            cues=tuple(dict.fromkeys(c[2] for c in lv.cues)), new_rep=new_rep,
            cue_severity=_cue_severity(lv.cues), targets_deg=self.profile.targets_deg(),
        )

    def _reclassify_live(self, lv: _Live, m: dict[str, np.ndarray], win: RepWindow) -> None:
        """Live with exercise auto: recognise the exercise from the tops seen so far, so that a
        floor bridge is judged by the bridge profile from its first rep on."""
        sig = rep_signal(self.profile, lv.view.view)
        x = m[sig.name]
        top = np.zeros(x.size, bool)
        band = reps_config(self.profile, lv.view.view).top_band
        for r in lv.reps:
            peak = float(np.nanmax(x[r.start_frame:r.end_frame + 1]))
            top[r.start_frame:r.end_frame + 1] |= x[r.start_frame:r.end_frame + 1] >= peak - band
        seg = x[win.start_frame:win.end_frame + 1]
        top[win.start_frame:win.end_frame + 1] |= seg >= win.peak_hip_deg - band
        name, _ = exercise_mod.classify(m, m["leg_state"].astype(np.int64), top,
                                        view_family(lv.view.view), self.profile.classify)
        if name != self.profile.name:
            self.profile = load_profile(name, self.profile_path)
            self._set_live_config(lv)

    def _set_live_config(self, lv: _Live) -> None:
        """The live segmenter's settings for the current view and profile. A change of rep signal
        (side-on hip angle <-> hip lift from the feet) starts a fresh segmenter: their units differ."""
        cfg = reps_config(self.profile, lv.view.view, view_confidence=lv.view.confidence)
        if cfg.signal != lv.seg.cfg.signal:
            lv.seg = Segmenter(cfg)
        else:
            lv.seg.reconfigure(cfg)

    def set_side(self, side: str) -> None:
        """From the next frame on, label single-leg reps with this side ("auto" to detect again).

        For a user switching legs mid-set (live: the s key). Measures still come from the planted
        leg found by geometry; only the label changes, and earlier reps keep theirs.
        """
        if side not in SIDES:
            raise ConfigError(f"unknown side {side!r}; choose auto, left or right")
        self._side_changes.append((len(self._t), side))
        if self._live is not None and side != AUTO:
            self._live.last_single_work = 0 if side == Side.LEFT else 1

    def _side_at(self, frame: int) -> str:
        side = self.side_arg
        for start, s in self._side_changes:
            if start <= frame:
                side = s
        return side

    def _side_name(self, work: int) -> str:
        side = self._side_at(len(self._t) - 1)
        if side != AUTO:
            return side
        return SIDE_OF_INDEX[work]

    def _push_cues(self, lv: _Live, rep: Rep, t_s: float, skip: set[str] = frozenset()) -> None:
        for f in rep.faults:
            if f.code not in skip and f.severity == Severity.FAULT:
                lv.cues.append((t_s + self.profile.reps.live_cue_s, f.code, f.cue))

    def _judge(self, index: int, win: RepWindow, m: dict[str, np.ndarray], t_s: np.ndarray,
               codes: set[str], view: str, profile: Profile | None = None, offline: bool = False) -> Rep:
        """One rep judged by ``profile`` (default: the live one), labelled with the user's side."""
        profile = profile or self.profile
        sig = rep_signal(profile, view, offline)
        rep = judge_rep(index, win, m, t_s, m["leg_state"].astype(np.int64), profile, codes, sig)
        side = self._side_at(win.peak_frame)
        if side != AUTO and rep.side != Side.BOTH:
            rep = replace(rep, side=side)
        return rep

    # -- offline ------------------------------------------------------------------------
    @property
    def frames_fed(self) -> int:
        return len(self._t)

    def buffered(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The frames fed so far: t_s (n,), image (n, 33, 4), world (n, 33, 4), NaN where none came.

        Live recording saves these, so the set's landmarks are kept once (here), not twice."""
        t, image, _ = self._arrays()
        world = np.full(image.shape, np.nan)
        for k, w in enumerate(self._world):
            if w is not None:
                world[k] = w
        return t, image, world

    def _arrays(self, start: int = 0, stop: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        t = np.asarray(self._t[start:stop], dtype=np.float64)
        image = np.asarray(self._image[start:stop], dtype=np.float64).reshape(-1, N_LANDMARKS, 4)
        worlds = self._world[start:stop]
        world = None
        if worlds and all(w is not None for w in worlds):
            world = np.asarray(worlds, dtype=np.float64)
        return t, image, world

    def _estimate_view(self, start: int, stop: int) -> ViewEstimate:
        _, image, world = self._arrays(start, stop)
        w, h = self.image_size
        px = image[:, :, :2] * np.array([w, h])
        depth = world[:, :, 2] if world is not None else image[:, :, 2]
        vcfg = self.profile.view
        return estimate_view(px, depth, side_max_yaw_deg=vcfg.side_max_yaw_deg,
                             front_min_yaw_deg=vcfg.front_min_yaw_deg)

    def _offline_table(self, profile: Profile, view: str, t: np.ndarray, image: np.ndarray,
                       world: np.ndarray | None, preferred: int) -> dict[str, np.ndarray]:
        ms = profile.measure
        tracker = LegTracker(ms.free_leg_up_tl, ms.free_leg_down_tl)
        m = measure_table(image, world, self.image_size, view, profile, tracker, preferred=preferred)
        sm = profile.smoothing
        for k in SMOOTHED:
            m[k] = smooth_offline(t, m[k], sigma_s=sm.offline_sigma_s, max_gap_s=sm.max_gap_s,
                                  spike_min_deg=spike_min(profile, k))
        if lift_signal_name(profile, view, offline=True) == "body_lift_sw":
            m["body_lift_sw"] = body_lift_for(profile, t, image, self.image_size, m["knee_deg"])
        return m

    def _segment(self, profile: Profile, t: np.ndarray, m: dict[str, np.ndarray],
                 view: str, view_confidence: float) -> tuple[list[RepWindow], list[str], int]:
        """Rep windows, the display phase per frame, and how many straight-leg tops were ignored."""
        seg = Segmenter(reps_config(profile, view, offline=True, view_confidence=view_confidence))
        windows: list[RepWindow] = []
        phases: list[str] = []
        hip, knee = m[rep_signal(profile, view, offline=True).name], m["knee_deg"]
        for i in range(t.size):
            phase, closed, _ = seg.step(i, float(t[i]), float(hip[i]), float(knee[i]))
            windows.extend(closed)
            phases.append(phase)
        windows.extend(seg.finish())
        windows, ignored = decide_setup(windows, m, profile, view)
        return windows, phases, ignored

    def finish(self) -> SetReport:
        """Analyse the whole buffered set and return its report (carrying the profile it used)."""
        t, image, world = self._arrays()
        present = np.isfinite(image[:, :, 0]).any(axis=1) if t.size else np.zeros(0, bool)
        n_person = int(present.sum())
        if 0 < n_person < MIN_PERSON_FRAMES and t.size < MIN_PERSON_FRAMES:
            raise NoPersonError(
                f"{self.source or 'the input'} is too short to analyse: {t.size} frame(s), "
                f"at least {MIN_PERSON_FRAMES} needed (record the whole set)"
            )
        if n_person < MIN_PERSON_FRAMES:
            raise NoPersonError(
                f"no person detected in {self.source or 'the input'} ({n_person} of {t.size} frames): "
                "film the whole body, side-on, in good light"
            )
        view = self._estimate_view(0, t.size)
        preferred = {Side.LEFT: 0, Side.RIGHT: 1}.get(self.side_arg, self._near_leg(image))
        profile = self.profile
        m = self._offline_table(profile, view.view, t, image, world, preferred)
        windows, phases, ignored = self._segment(profile, t, m, view.view, view.confidence)
        exercise_source, why = "user", ""
        if self.exercise_arg == AUTO:
            exercise, why = self._recognise(profile, t, m, windows, present, view.view)
            exercise_source = "auto"
            if exercise != profile.name:
                profile = load_profile(exercise, self.profile_path)
                m = self._offline_table(profile, view.view, t, image, world, preferred)
                windows, phases, ignored = self._segment(profile, t, m, view.view, view.confidence)
        codes, not_assessed = assessable(profile, view.view)
        reps: list[Rep] = []
        partials: list[Rep] = []
        for win in sorted(windows, key=lambda w: w.peak_frame):
            if win.counted:
                reps.append(self._judge(len(reps) + 1, win, m, t, codes, view.view, profile, offline=True))
            else:
                partials.append(self._judge(len(partials) + 1, win, m, t, codes, view.view, profile, offline=True))
        not_assessed = list(not_assessed) + unmeasured(reps, m, codes, profile)
        warnings_ = self._warnings(profile, t, present, windows, view, why, ignored)
        return SetReport(
            source=self.source, exercise=profile.name, view=view.view, working_side=working_side(reps),
            reps=tuple(reps), partials=tuple(partials), not_assessed=tuple(not_assessed),
            frames_total=int(t.size), frames_with_person=n_person,
            duration_s=float(t[-1] - t[0]) if t.size > 1 else 0.0, warnings=tuple(warnings_),
            view_confidence=view.confidence, exercise_source=exercise_source, profile=profile.origin,
            camera_advice=camera_advice(view.view, {c: profile.judged_in(c) for c in profile.enabled_faults()}),
            frames_table=self._frames_table(t, present, m, phases, reps), exercise_profile=profile,
        )

    def _recognise(self, profile: Profile, t: np.ndarray, m: dict[str, np.ndarray], windows: list[RepWindow],
                   present: np.ndarray, view: str) -> tuple[str, str]:
        """Which exercise the set is (and why), from the frames at the top of its reps."""
        top = np.zeros(t.size, bool)
        sig = rep_signal(profile, view, offline=True)
        for win in windows:
            tm = rep_timing(win, t, m[sig.name], profile, sig)
            top[tm.top_start:tm.top_end + 1] = True
        if not top.any():
            top = present
        return exercise_mod.classify(m, m["leg_state"], top, view_family(view), profile.classify)

    def _near_leg(self, image: np.ndarray) -> int:
        """The better-seen leg label (0 left, 1 right): used when both feet are planted."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lv = np.nanmean(image[:, [LEFT_KNEE, LEFT_ANKLE], 3])
            rv = np.nanmean(image[:, [RIGHT_KNEE, RIGHT_ANKLE], 3])
        return 0 if not (rv > lv) else 1

    def _warnings(self, profile: Profile, t: np.ndarray, present: np.ndarray, windows: list[RepWindow],
                  view: ViewEstimate, why: str, ignored: int) -> list[str]:
        out: list[str] = []
        missing = 1 - present.mean()
        if missing > 0.05:
            out.append(f"no person found in {missing:.0%} of frames")
        # Person left the frame mid-set: a long gap between frames with a person.
        idx = np.flatnonzero(present)
        if idx.size > 1:
            gaps = np.flatnonzero(np.diff(idx) > 1)
            for g in gaps:
                a, b = idx[g], idx[g + 1]
                if t[b] - t[a] > profile.reps.reset_gap_s:
                    out.append(f"person out of view from {t[a]:.1f} s to {t[b]:.1f} s: reps there are not counted")
        multi = int(self.meta.get("n_multi_person_frames", 0))
        if multi:
            checked = int(self.meta.get("n_people_checked_frames", 0)) or self.meta.get("frames_decoded", "?")
            out.append(f"several people in view ({multi} of {checked} checked frames): formcheck follows "
                       "one athlete; check on the annotated video that the skeleton stays on you")
        for w in self.meta.get("warnings", []):
            out.append(str(w))
        if view.view == View.UNKNOWN or view.confidence < profile.view.min_confidence:
            out.append(f"camera view uncertain ({view.view}, confidence {view.confidence:.2f})")
        if any(w.closed_at_top for w in windows):
            out.append("the clip ends before the last descent was complete: its tempo is not judged")
        if ignored:
            out.append(f"{ignored} movement(s) with straight legs ignored (set-up, not reps)")
        if self.exercise_arg == AUTO and why:
            out.append(f"exercise recognised from the video ({why}); set --exercise if it is wrong")
        return out

    def _frames_table(self, t: np.ndarray, present: np.ndarray, m: dict[str, np.ndarray],
                      phases: list[str], reps: list[Rep]) -> dict[str, np.ndarray]:
        rep_idx = np.zeros(t.size, dtype=np.int64)
        for r in reps:
            rep_idx[r.start_frame:r.end_frame + 1] = r.index
        legs = np.array([Side.LEFT, Side.RIGHT, Side.BOTH, Side.UNKNOWN], dtype=str)[np.clip(m["leg_state"], 0, 3)]
        table = {"frame": np.arange(t.size), "t_s": t, "person": present.astype(np.int64),
                 "phase": np.array(phases, dtype=str), "rep": rep_idx, "planted": legs}
        for k in SMOOTHED:
            table[k] = m[k]
        table["free_foot_up_tl"] = m["free_foot_up_tl"]
        return table


def initial_profile(exercise: str, profile_path: str | Path | None = None) -> Profile:
    """The profile a set is first judged by: ``exercise``'s, or the default one's when auto
    (a recognised exercise may replace it). Loading it up front checks the profile and the
    exercise name before any expensive work."""
    if exercise != AUTO and exercise not in EXERCISES:
        raise ConfigError(f"unknown exercise {exercise!r}; choose auto or one of: {', '.join(EXERCISES)}")
    return load_profile(DEFAULT_EXERCISE if exercise == AUTO else exercise, profile_path)


def analyze_series(series: LandmarkSeries, *, exercise: str = AUTO, side: str = AUTO,
                   profile_path: str | None = None, profile: Profile | None = None) -> SetReport:
    """Offline analysis of a whole landmark series (``profile``: already loaded, see Analyzer)."""
    an = Analyzer(series.image_size, exercise=exercise, side=side, profile_path=profile_path,
                  source=series.source, meta=series.meta, profile=profile)
    an.extend(series)
    return an.finish()


__all__ = ["Analyzer", "analyze_series", "initial_profile", "rep_signal", "reps_config"]


def _cue_severity(cues: list[tuple[float, str, str]]) -> tuple[str, ...]:
    """Severity of each cue shown (same order as ``FrameResult.cues``): a partial rep's cue warns."""
    out: dict[str, str] = {}
    for _, code, cue in cues:
        sev = Severity.WARN.value if code == PARTIAL else Severity.FAULT.value
        if out.get(cue) != Severity.FAULT:
            out[cue] = sev
    return tuple(out.values())
