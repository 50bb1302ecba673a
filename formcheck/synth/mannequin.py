"""An articulated mannequin built from the 33 BlazePose joints of a pose. Pure numpy.

:func:`person_primitives` turns one frame of joints (world metres, the frame of
:mod:`formcheck.synth.motion`) into shaded solids for :mod:`formcheck.synth.render`: rounded
cones (a capsule whose two end radii differ) for the limbs, neck, fingers and face details,
and ellipsoids for the head, torso, pelvis, hands and shoes. Everything is placed from the
joints alone (the torso frame from shoulders and hips, the head frame from ears, eyes and
mouth), so the same builder dresses the exercising athlete and a standing bystander
(:func:`standing_joints`).

Sizes are those of a ~1.75 m adult, multiplied by ``scale``. Colours come from an
:class:`Outfit` (skin, hair, shirt, bottoms, shoes); :func:`outfit_for_seed` picks a plausible
one deterministically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.core.vocab import (
    LEFT_ANKLE, LEFT_EAR, LEFT_ELBOW, LEFT_EYE, LEFT_FOOT, LEFT_HEEL, LEFT_HIP, LEFT_INDEX, LEFT_KNEE,
    LEFT_PINKY, LEFT_SHOULDER, LEFT_THUMB, LEFT_WRIST, MOUTH_LEFT, MOUTH_RIGHT, NOSE, RIGHT_ANKLE,
    RIGHT_EAR, RIGHT_ELBOW, RIGHT_EYE, RIGHT_FOOT, RIGHT_HEEL, RIGHT_HIP, RIGHT_INDEX, RIGHT_KNEE,
    RIGHT_PINKY, RIGHT_SHOULDER, RIGHT_THUMB, RIGHT_WRIST
)

# BlazePose indices (odd = the person's left).

CONE, ELLIPSOID = 0, 1


@dataclass(frozen=True)
class Prim:
    """One solid. ``kind`` CONE: ``a``/``b`` end centres, ``ra``/``rb`` end radii.

    ``kind`` ELLIPSOID: ``a`` centre, ``axes`` (3, 3) rows = unit local axes, ``radii`` (3,),
    and an optional clip: a hit is kept only where ``local_unit_point · clip[:3] >= clip[3]``
    (local coordinates divided by the radii), e.g. a hair cap that leaves the face free.
    ``color``: linear RGB in [0, 1]; ``shine``: specular strength.
    """

    kind: int
    a: np.ndarray
    color: tuple[float, float, float]
    b: np.ndarray | None = None
    ra: float = 0.0
    rb: float = 0.0
    axes: np.ndarray | None = None
    radii: np.ndarray | None = None
    clip: tuple[float, float, float, float] | None = None
    shine: float = 0.0

    def bound(self) -> tuple[np.ndarray, float]:
        """A bounding sphere (centre, radius)."""
        if self.kind == CONE:
            c = 0.5 * (self.a + self.b)
            return c, 0.5 * float(np.linalg.norm(self.b - self.a)) + max(self.ra, self.rb)
        return self.a, float(np.max(self.radii))


def _rgb(hexstr: str) -> tuple[float, float, float]:
    h = hexstr.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


@dataclass(frozen=True)
class Outfit:
    """Colours (``#rrggbb``) and cut of the mannequin's clothes."""

    skin: str = "#d9a484"
    hair: str = "#3b2a20"
    shirt: str = "#2f6fb3"
    bottoms: str = "#2b2d33"
    shoes: str = "#ececec"
    soles: str = "#5a5a5a"
    sleeves: float = 0.45        # fraction of the upper arm covered by the shirt (0 = tank top)
    legs: float = 0.55           # fraction of the thigh covered by the bottoms; > 1 covers the shin too
    hair_long: bool = False


# Plausible outfits; outfit_for_seed() picks one.
OUTFITS: tuple[Outfit, ...] = (
    Outfit(),
    Outfit(skin="#8d5a3f", hair="#141010", shirt="#c8393b", bottoms="#1d1f24", legs=1.6, sleeves=0.35),
    Outfit(skin="#f0c8a8", hair="#7a4b25", shirt="#e0c441", bottoms="#3a3f6b", legs=0.5, sleeves=0.0,
           hair_long=True),
    Outfit(skin="#c68a62", hair="#2a1a10", shirt="#3c8c57", bottoms="#2f2f2f", shoes="#f5f5f5", legs=1.6),
    Outfit(skin="#e3b08c", hair="#5b3b22", shirt="#6b4aa0", bottoms="#202020", legs=0.6, sleeves=0.5),
    Outfit(skin="#b07350", hair="#101010", shirt="#e47c2a", bottoms="#30343c", legs=1.6, sleeves=0.2),
)


def outfit_for_seed(seed: int) -> Outfit:
    return OUTFITS[int(seed) % len(OUTFITS)]


# --------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------

def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v


def _ortho(v: np.ndarray, axis: np.ndarray) -> np.ndarray:
    return _unit(v - np.dot(v, axis) * axis)


def _ell(c: np.ndarray, ax0: np.ndarray, ax1: np.ndarray, ax2: np.ndarray, r: tuple[float, float, float],
         color: tuple[float, float, float], sc: float, clip=None, shine: float = 0.0) -> Prim:
    return Prim(ELLIPSOID, np.asarray(c, float), color, axes=np.stack([ax0, ax1, ax2]),
                radii=np.asarray(r, float) * sc, clip=clip, shine=shine)


def _cone(a: np.ndarray, b: np.ndarray, ra: float, rb: float, color: tuple[float, float, float], sc: float,
          shine: float = 0.0) -> Prim:
    return Prim(CONE, np.asarray(a, float), color, b=np.asarray(b, float), ra=ra * sc, rb=rb * sc, shine=shine)


_PLATE_RADIUS_M = 0.225  # a standard 20 kg plate is 45 cm across
_PLATE_HALF_THICK_M = 0.03
_PLATE_Z_M = 0.36        # plates sit this far out from the body's midline, either side
_BAR_ABOVE_HIP_M = 0.13  # the bar rests on the hip crease, this far above the hip joints
_IRON = (0.05, 0.05, 0.055)


def barbell_primitives(J: np.ndarray, scale: float = 1.0) -> list[Prim]:
    """A loaded barbell resting across the hips of (33, 3) world joints: bar and two plates."""
    mid = 0.5 * (J[23] + J[24])
    up = np.array([0.0, 1.0, 0.0])
    c = mid + up * _BAR_ABOVE_HIP_M * scale
    z = np.array([0.0, 0.0, 1.0])
    x = np.array([1.0, 0.0, 0.0])
    out = [_cone(c - 0.9 * z, c + 0.9 * z, 0.014, 0.014, (0.55, 0.55, 0.58), 1.0, shine=0.4)]
    for sign in (-1.0, 1.0):
        out.append(_ell(c + sign * _PLATE_Z_M * z, x, up, z,
                        (_PLATE_RADIUS_M, _PLATE_RADIUS_M, _PLATE_HALF_THICK_M), _IRON, 1.0, shine=0.15))
    return out


def person_primitives(J: np.ndarray, scale: float = 1.0, outfit: Outfit | None = None) -> list[Prim]:
    """The solids of one person from (33, 3) world joints (metres)."""
    o = outfit or Outfit()
    sc = float(scale)
    skin, hair, shirt = _rgb(o.skin), _rgb(o.hair), _rgb(o.shirt)
    bottoms, shoes, soles = _rgb(o.bottoms), _rgb(o.shoes), _rgb(o.soles)
    white, dark, lips = _rgb("#f4f1ea"), _rgb("#1c1410"), _rgb("#b5615a")
    brow = tuple(0.8 * c for c in hair)
    P: list[Prim] = []

    # -- torso frame ------------------------------------------------------------------
    msh = 0.5 * (J[LEFT_SHOULDER] + J[RIGHT_SHOULDER])
    mhp = 0.5 * (J[LEFT_HIP] + J[RIGHT_HIP])
    ax = _unit(msh - mhp)                          # hips -> shoulders
    lat = _ortho(J[RIGHT_SHOULDER] - J[LEFT_SHOULDER], ax)            # person's left -> right
    fwd = np.cross(ax, lat)                        # anterior (chest side)
    tl = float(np.linalg.norm(msh - mhp))
    hl = _ortho(J[RIGHT_HIP] - J[LEFT_HIP], ax)           # pelvis lateral (tilts with a dropped hip)
    hf = np.cross(ax, hl)

    P.append(_ell(msh - 0.27 * tl * ax + 0.005 * fwd, ax, lat, fwd, (0.17, 0.165, 0.112), shirt, sc))   # chest
    P.append(_ell(msh - 0.45 * tl * ax + 0.0 * fwd, ax, lat, fwd, (0.16, 0.152, 0.104), shirt, sc))    # waist
    P.append(_ell(msh - 0.64 * tl * ax + 0.0 * fwd, ax, lat, fwd, (0.16, 0.148, 0.1), shirt, sc))      # belly
    P.append(_ell(mhp + 0.06 * tl * ax - 0.01 * hf, ax, hl, hf, (0.12, 0.17, 0.105), bottoms, sc))     # pelvis
    P.append(_cone(J[LEFT_SHOULDER] - 0.02 * sc * ax, J[RIGHT_SHOULDER] - 0.02 * sc * ax, 0.06, 0.06, shirt, sc))         # shoulders
    for s in (LEFT_SHOULDER, RIGHT_SHOULDER):
        P.append(_cone(J[s], J[s], 0.058, 0.058, shirt if o.sleeves > 0 else skin, sc))               # deltoid

    # -- head frame -------------------------------------------------------------------
    ear = 0.5 * (J[LEFT_EAR] + J[RIGHT_EAR])
    hlat = _unit(J[RIGHT_EAR] - J[LEFT_EAR])
    eye = 0.5 * (J[LEFT_EYE] + J[RIGHT_EYE])
    mouth = 0.5 * (J[MOUTH_LEFT] + J[MOUTH_RIGHT])
    # eyes sit 0.03 above the ear line and the mouth 0.045 below it (motion.py's face layout):
    # this mix of the two cancels the vertical part and leaves the face direction.
    hfw = _ortho(0.045 * (eye - ear) + 0.03 * (mouth - ear), hlat)
    hup = np.cross(hlat, hfw)

    def hp(f: float, u: float, l: float) -> np.ndarray:
        return ear + sc * (f * hfw + u * hup + l * hlat)

    neck_base = msh + 0.02 * sc * ax
    P.append(_cone(neck_base, hp(-0.015, -0.045, 0.0), 0.056, 0.05, skin, sc))                        # neck
    P.append(_ell(hp(-0.012, 0.035, 0.0), hfw, hup, hlat, (0.098, 0.116, 0.079), skin, sc))          # cranium
    P.append(_ell(hp(0.03, -0.036, 0.0), hfw, hup, hlat, (0.058, 0.06, 0.056), skin, sc))            # jaw
    # hair: a cap over the back and the top of the cranium
    hair_clip = (-0.62, 0.78, 0.0, -0.22) if not o.hair_long else (-0.75, 0.66, 0.0, -0.42)
    P.append(_ell(hp(-0.02, 0.042, 0.0), hfw, hup, hlat, (0.102, 0.118, 0.084), hair, sc, clip=hair_clip))
    for side in (-1.0, 1.0):
        P.append(_ell(hp(0.074, 0.03, 0.032 * side), hfw, hup, hlat, (0.013, 0.009, 0.015), white, sc,
                      shine=0.3))                                                                     # eyeball
        P.append(_cone(hp(0.085, 0.03, 0.032 * side), hp(0.085, 0.03, 0.032 * side), 0.0062, 0.0062, dark,
                       sc, shine=0.5))                                                                # iris
        P.append(_cone(hp(0.088, 0.052, 0.017 * side), hp(0.082, 0.055, 0.05 * side), 0.0055, 0.0045,
                       brow, sc))                                                                     # eyebrow
        P.append(_ell(hp(-0.004, 0.0, 0.077 * side), hfw, hup, hlat, (0.02, 0.032, 0.012), skin, sc))  # ear
    P.append(_cone(hp(0.086, 0.025, 0.0), hp(0.103, -0.008, 0.0), 0.008, 0.0135, skin, sc))           # nose
    P.append(_ell(hp(0.093, -0.046, 0.0), hfw, hup, hlat, (0.012, 0.0075, 0.025), lips, sc))          # mouth

    # -- arms -------------------------------------------------------------------------
    for s, e, w, ix, pk, th in ((LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST, LEFT_INDEX, LEFT_PINKY, LEFT_THUMB),
                                (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST, RIGHT_INDEX, RIGHT_PINKY, RIGHT_THUMB)):
        P.append(_cone(J[s], J[e], 0.05, 0.04, skin, sc))
        if o.sleeves > 0:
            P.append(_cone(J[s], J[s] + o.sleeves * (J[e] - J[s]), 0.06, 0.054, shirt, sc))
        P.append(_cone(J[e], J[w], 0.041, 0.029, skin, sc))
        tip = 0.5 * (J[ix] + J[pk])
        along = _unit(tip - J[w])
        across = _ortho(J[ix] - J[pk], along)
        normal = np.cross(along, across)
        P.append(_ell(J[w] + 0.5 * (tip - J[w]) + 0.01 * sc * along, along, across, normal,
                      (0.06, 0.042, 0.017), skin, sc))                                                # hand
        P.append(_cone(J[w] + 0.02 * sc * across, J[th], 0.012, 0.009, skin, sc))                     # thumb

    P += _leg_prims(J, o, sc, fwd, (skin, bottoms, shoes, soles))
    return P


def _leg_prims(J: np.ndarray, o: Outfit, sc: float, fwd: np.ndarray, colours: tuple) -> list[Prim]:
    """Thighs, shins, calves and shoes of both legs (``fwd``: the chest's direction, the calf's
    fallback when a leg is straight)."""
    skin, bottoms, shoes, soles = colours
    P: list[Prim] = []
    for h, k, a, heel, toe in ((LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT), (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT)):
        thigh_col = bottoms if o.legs > 0 else skin
        P.append(_cone(J[h], J[k], 0.088, 0.056, skin, sc))
        if o.legs > 0:
            cover = min(o.legs, 1.0)
            P.append(_cone(J[h], J[h] + cover * (J[k] - J[h]), 0.093, 0.093 - cover * 0.03, thigh_col, sc))
        shin_col = bottoms if o.legs > 1.0 else skin
        P.append(_cone(J[k], J[a], 0.054 if o.legs > 1 else 0.052, 0.036, shin_col, sc))
        sh_ax = _unit(J[a] - J[k])
        back = _ortho(J[h] - J[k], sh_ax) if np.linalg.norm(np.cross(J[h] - J[k], sh_ax)) > 0.05 * sc \
            else _ortho(-fwd, sh_ax)
        calf_c = J[k] + 0.33 * (J[a] - J[k]) + 0.012 * sc * back
        P.append(_ell(calf_c, sh_ax, np.cross(sh_ax, back), back, (0.13, 0.048, 0.046), shin_col, sc))  # calf
        # shoe: a rounded last from heel to toe, an instep over it and a thin darker sole
        along = _unit(J[toe] - J[heel])
        up = _ortho(J[a] - J[heel], along)
        side = np.cross(along, up)
        L = float(np.linalg.norm(J[toe] - J[heel]))
        P.append(_cone(J[heel] + sc * (0.012 * along + 0.018 * up), J[toe] + sc * 0.004 * up, 0.041, 0.029,
                       shoes, sc, shine=0.15))
        P.append(_cone(J[heel] + sc * (0.035 * along + 0.04 * up), J[heel] + sc * (0.13 * along + 0.026 * up),
                       0.044, 0.033, shoes, sc, shine=0.15))
        P.append(_ell(J[heel] + along * (0.5 * L + 0.006 * sc) - up * 0.014 * sc, along, up, side,
                      (0.5 * L / sc + 0.036, 0.011, 0.043), soles, sc))
        P.append(_cone(J[a] + 0.012 * sc * up, J[a] + 0.012 * sc * up, 0.043, 0.043, shoes, sc))    # ankle collar
    return P


# --------------------------------------------------------------------------------------
# A standing bystander
# --------------------------------------------------------------------------------------

def standing_joints(pos_xz: tuple[float, float], facing_deg: float, t: float = 0.0, scale: float = 1.0,
                    arm_swing_deg: float = 0.0) -> np.ndarray:
    """(33, 3) joints of a person standing at ``pos_xz`` facing ``facing_deg`` (0 = +x, 90 = +z).

    The face keeps :mod:`formcheck.synth.motion`'s layout (ears, eyes, nose, mouth) so that
    :func:`person_primitives` finds the head frame. ``arm_swing_deg`` swings the arms slowly
    with time ``t`` (a gentle idle movement).
    """
    s = float(scale)
    a = math.radians(facing_deg)
    f = np.array([math.cos(a), 0.0, math.sin(a)])          # forward
    up = np.array([0.0, 1.0, 0.0])
    r = np.cross(f, up)                                      # the person's right
    r = -r if np.dot(np.cross(up, r), f) < 0 else r          # f = up x right
    base = np.array([pos_xz[0], 0.0, pos_xz[1]])
    J = np.zeros((33, 3))

    def P(fw: float, u: float, rt: float) -> np.ndarray:
        return base + s * (fw * f + u * up + rt * r)

    ear_y = 1.62
    J[LEFT_EAR], J[RIGHT_EAR] = P(0.0, ear_y, -0.075), P(0.0, ear_y, 0.075)
    J[NOSE] = P(0.105, ear_y - 0.01, 0.0)
    for i, (fw, u, rt) in {1: (0.085, 0.03, -0.018), 2: (0.082, 0.03, -0.032), 3: (0.075, 0.03, -0.046),
                           4: (0.085, 0.03, 0.018), 5: (0.082, 0.03, 0.032), 6: (0.075, 0.03, 0.046),
                           9: (0.092, -0.045, -0.025), 10: (0.092, -0.045, 0.025)}.items():
        J[i] = P(fw, ear_y + u, rt)
    J[LEFT_SHOULDER], J[RIGHT_SHOULDER] = P(0.0, 1.45, -0.18), P(0.0, 1.45, 0.18)
    J[LEFT_HIP], J[RIGHT_HIP] = P(0.0, 0.95, -0.095), P(0.0, 0.95, 0.095)
    J[LEFT_KNEE], J[RIGHT_KNEE] = P(0.01, 0.52, -0.1), P(0.01, 0.52, 0.1)
    J[LEFT_ANKLE], J[RIGHT_ANKLE] = P(0.0, 0.08, -0.1), P(0.0, 0.08, 0.1)
    J[LEFT_HEEL], J[RIGHT_HEEL] = P(-0.06, 0.03, -0.1), P(-0.06, 0.03, 0.1)
    J[LEFT_FOOT], J[RIGHT_FOOT] = P(0.15, 0.02, -0.11), P(0.15, 0.02, 0.11)
    swing = math.radians(arm_swing_deg) * math.sin(2 * math.pi * 0.4 * t)
    for side, (sh, el, wr, pk, ix, th) in ((-1.0, (LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST, LEFT_PINKY, LEFT_INDEX, LEFT_THUMB)),
                                           (1.0, (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST, RIGHT_PINKY, RIGHT_INDEX, RIGHT_THUMB))):
        sw = swing * side
        d = np.array([math.sin(sw), -math.cos(sw)])         # (forward, up) of the arm
        sh_p = J[sh]
        J[el] = sh_p + s * (0.29 * (d[0] * f + d[1] * up) + 0.03 * side * r)
        J[wr] = J[el] + s * (0.26 * (d[0] * f + d[1] * up) + 0.04 * f)
        hand = _unit(J[wr] - J[el])
        J[ix] = J[wr] + s * (0.085 * hand + 0.02 * f)
        J[pk] = J[wr] + s * (0.07 * hand - 0.02 * f)
        J[th] = J[wr] + s * (0.045 * hand + 0.035 * f)
    return J


__all__ = ["CONE", "ELLIPSOID", "OUTFITS", "Outfit", "Prim", "outfit_for_seed", "person_primitives",
           "standing_joints"]
