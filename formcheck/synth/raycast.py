"""Analytic ray casting of rounded cones, ellipsoids and boxes into a z-buffer. Pure numpy.

Every pixel's ray starts at the camera centre, so per-primitive quantities that depend only on
the origin are scalars and the per-pixel work is a few dot products. Each primitive is cast
only over the pixels of its projected bounding circle; hits closer than the z-buffer replace
colour and depth (distance along the unit ray, metres).

The rounded-cone intersection follows Inigo Quilez's closed form ("Rounded Cone" in
iquilezles.org/articles/intersectors), with both body roots tested so that rays nearly
parallel to a tapering axis stay correct.
"""

from __future__ import annotations

import numpy as np

from .mannequin import CONE, Prim

_INF = np.inf


def hit_round_cone(O: np.ndarray, D: np.ndarray, pa: np.ndarray, pb: np.ndarray, ra: float,
                   rb: float) -> tuple[np.ndarray, np.ndarray]:
    """Ray hits with the solid swept by a sphere from (pa, ra) to (pb, rb).

    ``O`` (3,) origin, ``D`` (N, 3) unit directions. Returns t (N,) (inf = miss) and unit
    normals (N, 3) (undefined where t is inf).
    """
    ba = pb - pa
    oa = O - pa
    ob = O - pb
    rr = ra - rb
    m0 = float(ba @ ba)
    m1 = float(ba @ oa)
    m5 = float(oa @ oa)
    m7 = float(ob @ ob)
    M = D @ np.stack([ba, oa, ob], axis=1)
    m2, m3, m6 = M[:, 0], M[:, 1], M[:, 2]
    n = D.shape[0]
    t = np.full(n, _INF)
    kind = np.zeros(n, np.int8)              # 0 body, 1 cap a, 2 cap b
    yb = np.zeros(n)
    d2 = m0 - rr * rr
    if d2 > 1e-10:
        k2 = d2 - m2 * m2
        k1 = d2 * m3 - m1 * m2 + m2 * rr * ra
        k0 = d2 * m5 - m1 * m1 + 2.0 * m1 * rr * ra - m0 * ra * ra
        h = k1 * k1 - k0 * k2
        ok = (h >= 0.0) & (np.abs(k2) > 1e-12)
        sq = np.sqrt(np.where(ok, h, 0.0))
        k2s = np.where(ok, k2, 1.0)
        for sgn in (-1.0, 1.0):
            tb = (sgn * sq - k1) / k2s
            y = m1 - ra * rr + tb * m2
            good = ok & (y > 0.0) & (y < d2) & (tb > 0.0) & (tb < t)
            t = np.where(good, tb, t)
            yb = np.where(good, y, yb)
    for idx, (mm, mc, r) in enumerate(((m3, m5, ra), (m6, m7, rb)), start=1):
        hc = mm * mm - mc + r * r
        okc = hc >= 0.0
        tc = -mm - np.sqrt(np.where(okc, hc, 0.0))
        good = okc & (tc > 0.0) & (tc < t)
        t = np.where(good, tc, t)
        kind = np.where(good, idx, kind)
    hitm = np.isfinite(t)
    p_oa = oa[None, :] + np.where(hitm, t, 0.0)[:, None] * D        # hit point - pa
    nb = d2 * p_oa - ba[None, :] * yb[:, None]
    nrm = np.where((kind == 0)[:, None], nb, np.where((kind == 1)[:, None], p_oa, p_oa - ba[None, :]))
    nrm /= np.maximum(np.linalg.norm(nrm, axis=1, keepdims=True), 1e-12)
    return t, nrm


def hit_ellipsoid(O: np.ndarray, D: np.ndarray, c: np.ndarray, axes: np.ndarray, radii: np.ndarray,
                  clip: tuple[float, float, float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Ray hits with an ellipsoid (rows of ``axes`` = local unit axes, semi-axes ``radii``)."""
    o = (axes @ (O - c)) / radii                     # (3,)
    d = (D @ axes.T) / radii                          # (N, 3)
    a = np.einsum("ij,ij->i", d, d)
    b = d @ o
    cc = float(o @ o) - 1.0
    h = b * b - a * cc
    ok = h >= 0.0
    t = (-b - np.sqrt(np.where(ok, h, 0.0))) / a
    ok &= t > 0.0
    p = o[None, :] + np.where(ok, t, 0.0)[:, None] * d   # local unit-sphere point
    if clip is not None:
        ok &= p @ np.asarray(clip[:3]) >= clip[3]
    t = np.where(ok, t, _INF)
    nrm = (p / radii) @ axes                          # gradient back in world axes
    nrm /= np.maximum(np.linalg.norm(nrm, axis=1, keepdims=True), 1e-12)
    return t, nrm


def hit_box(O: np.ndarray, D: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ray hits with an axis-aligned box [lo, hi] seen from outside."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / D
        t1 = (lo - O) * inv
        t2 = (hi - O) * inv
    tmin = np.minimum(t1, t2)
    tmax = np.maximum(t1, t2)
    tmin = np.where(np.isnan(tmin), -_INF, tmin)
    tmax = np.where(np.isnan(tmax), _INF, tmax)
    tn = tmin.max(axis=1)
    tf = tmax.min(axis=1)
    ok = (tn <= tf) & (tn > 0.0)
    axis = tmin.argmax(axis=1)
    nrm = np.zeros_like(D)
    sign = -np.sign(D[np.arange(D.shape[0]), axis])
    nrm[np.arange(D.shape[0]), axis] = sign
    return np.where(ok, tn, _INF), nrm


class ZBuffer:
    """Colour (H, W, 3) float and depth (H, W) buffers for one camera's rays.

    ``dirs`` (H, W, 3) unit world ray directions from ``origin``; ``K`` = (f, cx, cy) and the
    world->camera rotation ``R`` project bounding spheres to pixel boxes.
    """

    def __init__(self, origin: np.ndarray, R: np.ndarray, f: float, cx: float, cy: float, w: int, h: int) -> None:
        self.origin = np.asarray(origin, float)
        self.R = np.asarray(R, float)
        self.f, self.cx, self.cy, self.w, self.h = float(f), float(cx), float(cy), int(w), int(h)
        u = np.arange(w) + 0.5
        v = np.arange(h) + 0.5
        uu, vv = np.meshgrid((u - cx) / f, (v - cy) / f)
        cam = np.stack([uu, vv, np.ones_like(uu)], axis=-1)
        cam /= np.linalg.norm(cam, axis=-1, keepdims=True)
        self.dirs = cam @ self.R                          # camera -> world
        self.color = np.zeros((h, w, 3))
        self.depth = np.full((h, w), _INF)

    def reset(self, color: np.ndarray, depth: np.ndarray) -> None:
        self.color = color.copy()
        self.depth = depth.copy()

    def box_of(self, centre: np.ndarray, radius: float) -> tuple[int, int, int, int] | None:
        """Pixel box (x0, y0, x1, y1) covering a sphere, or None when off screen / behind."""
        pc = self.R @ (np.asarray(centre, float) - self.origin)
        z = pc[2]
        if z - radius < 0.02:
            if z + radius < 0.02:
                return None
            return 0, 0, self.w, self.h
        # the projection of the sphere's bounding cube contains the sphere's projection
        zs = np.array([z - radius, z + radius])
        us = self.f * np.concatenate([(pc[0] - radius) / zs, (pc[0] + radius) / zs]) + self.cx
        vs = self.f * np.concatenate([(pc[1] - radius) / zs, (pc[1] + radius) / zs]) + self.cy
        x0, x1 = int(max(0, np.floor(us.min()) - 1)), int(min(self.w, np.ceil(us.max()) + 1))
        y0, y1 = int(max(0, np.floor(vs.min()) - 1)), int(min(self.h, np.ceil(vs.max()) + 1))
        if x0 >= x1 or y0 >= y1:
            return None
        return x0, y0, x1, y1

    def draw(self, prim: Prim, shade) -> None:
        """Cast one primitive; ``shade(normals (N,3), dirs (N,3), prim) -> (N,3)`` colours."""
        if prim.kind == CONE:
            # the rounded cone is the convex hull of its end spheres: the union of their boxes
            ba, bb = self.box_of(prim.a, prim.ra), self.box_of(prim.b, prim.rb)
            if ba is None or bb is None:
                box = ba or bb
            else:
                box = (min(ba[0], bb[0]), min(ba[1], bb[1]), max(ba[2], bb[2]), max(ba[3], bb[3]))
        else:
            c, r = prim.bound()
            box = self.box_of(c, r)
        if box is None:
            return
        x0, y0, x1, y1 = box
        D = self.dirs[y0:y1, x0:x1].reshape(-1, 3)
        if prim.kind == CONE:
            t, nrm = hit_round_cone(self.origin, D, prim.a, prim.b, prim.ra, prim.rb)
        else:
            t, nrm = hit_ellipsoid(self.origin, D, prim.a, prim.axes, prim.radii, prim.clip)
        dep = self.depth[y0:y1, x0:x1].reshape(-1)
        win = t < dep
        if not win.any():
            return
        idx = np.flatnonzero(win)
        col = shade(nrm[idx], D[idx], prim)
        dep[idx] = t[idx]
        self.depth[y0:y1, x0:x1] = dep.reshape(y1 - y0, x1 - x0)
        cview = self.color[y0:y1, x0:x1].reshape(-1, 3)
        cview[idx] = col
        self.color[y0:y1, x0:x1] = cview.reshape(y1 - y0, x1 - x0, 3)


__all__ = ["ZBuffer", "hit_box", "hit_ellipsoid", "hit_round_cone"]
