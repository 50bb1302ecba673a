"""A pinhole camera placed around the synthetic scene. Pure numpy.

World frame: see :mod:`formcheck.synth.motion` (x head->feet, y up, z person's left->right,
floor y = 0). The camera stands at an azimuth (``yaw``) around the vertical axis through its
look-at target, measured from +x (the feet) toward +z (the person's right):

============  =====  ==========================================================
view          yaw    what the image shows
============  =====  ==========================================================
front           0°   camera at the feet looking toward the head
side_left      90°   camera on the person's right side; head on the image's left
back          180°   camera behind the head looking toward the feet
side_right    -90°   camera on the person's left side; head on the image's right
oblique        45°   default; any yaw via ``yaw_deg`` (e.g. 30..60 or -30..-60)
============  =====  ==========================================================

Camera axes (OpenCV / MediaPipe style): x right, y down, z forward (away from the camera).
``distance_m=None`` (the default) fits the distance so that every point of the motion is in
frame with ``margin`` to spare; call :meth:`Camera.fit` with the motion's joints first.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from formcheck.core.vocab import CameraView

#: The camera placements (``side_left``: head on the image's left; the analyzer calls that view
#: ``side_head_left``, see ``vocab.CAMERA_VIEW_SHOWS``).
VIEWS = tuple(v.value for v in CameraView)
_VIEW_YAW = {CameraView.FRONT: 0.0, CameraView.SIDE_LEFT: 90.0, CameraView.BACK: 180.0, CameraView.SIDE_RIGHT: -90.0,
             CameraView.OBLIQUE: 45.0}
# Default camera height above the look-at target: level for side views (2D angles in the
# sagittal plane are then undistorted), raised for the others so the hips show over the knees.
_VIEW_RAISE_M = {CameraView.SIDE_LEFT: 0.0, CameraView.SIDE_RIGHT: 0.0, CameraView.OBLIQUE: 0.35,
                 CameraView.FRONT: 0.6, CameraView.BACK: 0.6}


@dataclass(frozen=True)
class Camera:
    """A pinhole camera. ``None`` fields are resolved by :meth:`fit` (or view defaults)."""

    view: str = CameraView.SIDE_LEFT.value
    yaw_deg: float | None = None      # azimuth; None = the view's (only "oblique" accepts any)
    yaw_offset_deg: float = 0.0       # small deliberate misalignment added to any view
    height_m: float | None = None     # camera above the floor; None = target height + view raise
    distance_m: float | None = None   # horizontal distance to the target; None = fit to the body
    fov_deg: float = 60.0             # horizontal field of view (used when focal_px is None)
    focal_px: float | None = None
    width: int = 1280
    height: int = 720
    roll_deg: float = 0.0             # rotation about the optical axis (a tilted phone)
    target_m: tuple[float, float, float] | None = None  # look-at point; None = the body's centre
    margin: float = 0.06              # fit: keep this fraction of the image free at each edge

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {self.view!r}")
        if self.yaw_deg is not None:
            if self.view != CameraView.OBLIQUE:
                raise ValueError(f"yaw_deg applies to view='oblique' only (got view={self.view!r}); "
                                 "use yaw_offset_deg for a slightly misaligned named view")
            _num("yaw_deg", self.yaw_deg, -180.0, 180.0)
        _num("yaw_offset_deg", self.yaw_offset_deg, -45.0, 45.0)
        if self.height_m is not None:
            _num("height_m", self.height_m, 0.02, 5.0)
        if self.distance_m is not None:
            _num("distance_m", self.distance_m, 0.2, 30.0)
        _num("fov_deg", self.fov_deg, 10.0, 140.0)
        if self.focal_px is not None:
            _num("focal_px", self.focal_px, 1.0, 1e5)
        for name in ("width", "height"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or not 16 <= v <= 16384:
                raise ValueError(f"{name} must be an integer number of pixels in [16, 16384], got {v!r}")
        _num("roll_deg", self.roll_deg, -45.0, 45.0)
        _num("margin", self.margin, 0.0, 0.4)
        if self.target_m is not None:
            t = tuple(float(v) for v in self.target_m)
            if len(t) != 3 or not all(math.isfinite(v) for v in t):
                raise ValueError(f"target_m must be three finite numbers, got {self.target_m!r}")
            object.__setattr__(self, "target_m", t)

    # -- intrinsics -------------------------------------------------------------------
    @property
    def focal(self) -> float:
        """Focal length in pixels (square pixels)."""
        if self.focal_px is not None:
            return float(self.focal_px)
        return 0.5 * self.width / math.tan(math.radians(self.fov_deg) / 2.0)

    @property
    def principal(self) -> tuple[float, float]:
        return 0.5 * self.width, 0.5 * self.height

    @property
    def image_size(self) -> tuple[int, int]:
        return int(self.width), int(self.height)

    # -- extrinsics -------------------------------------------------------------------
    @property
    def azimuth_deg(self) -> float:
        base = self.yaw_deg if self.yaw_deg is not None else _VIEW_YAW[self.view]
        return float(base + self.yaw_offset_deg)

    @property
    def resolved(self) -> bool:
        return self.target_m is not None and self.distance_m is not None and self.height_m is not None

    def _require(self) -> None:
        if not self.resolved:
            raise ValueError("the camera is not placed yet: call camera.fit(points) (or give "
                             "target_m, distance_m and height_m)")

    @property
    def position_m(self) -> np.ndarray:
        """(3,) camera centre in world metres."""
        self._require()
        a = math.radians(self.azimuth_deg)
        tx, _, tz = self.target_m
        return np.array([tx + self.distance_m * math.cos(a), self.height_m, tz + self.distance_m * math.sin(a)])

    @property
    def rotation(self) -> np.ndarray:
        """(3, 3) world -> camera rotation; rows are the camera's right, down, forward axes."""
        self._require()
        f = np.asarray(self.target_m) - self.position_m
        f /= np.linalg.norm(f)
        r = np.cross(np.array([0.0, -1.0, 0.0]), f)
        if np.linalg.norm(r) < 1e-9:          # looking straight down/up: pick any right
            r = np.array([0.0, 0.0, 1.0])
        r /= np.linalg.norm(r)
        d = np.cross(f, r)
        if self.roll_deg:
            c, s = math.cos(math.radians(self.roll_deg)), math.sin(math.radians(self.roll_deg))
            r, d = c * r + s * d, -s * r + c * d
        return np.stack([r, d, f])

    # -- mapping ----------------------------------------------------------------------
    def world_to_camera(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) world points -> camera coordinates (x right, y down, z forward), metres."""
        pts = np.asarray(points, dtype=float)
        return (pts - self.position_m) @ self.rotation.T

    def to_camera_axes(self, points: np.ndarray, origin: np.ndarray) -> np.ndarray:
        """Rotate (..., 3) world points into camera-aligned axes around ``origin`` (..., 3).

        With ``origin`` = the hip midpoint per frame this is MediaPipe's world-landmark frame:
        metres, origin between the hips, x right, y down, z away from the camera.
        """
        pts = np.asarray(points, dtype=float) - np.asarray(origin, dtype=float)
        return pts @ self.rotation.T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pinhole projection of (..., 3) world points: pixels (..., 2) and depth (..., ) in metres.

        Points at or behind the camera get NaN pixels.
        """
        cam = self.world_to_camera(points)
        z = cam[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            zs = np.where(z > 1e-6, z, np.nan)
        f = self.focal
        cx, cy = self.principal
        px = np.stack([f * cam[..., 0] / zs + cx, f * cam[..., 1] / zs + cy], axis=-1)
        return px, z

    def project_normalized(self, points: np.ndarray) -> np.ndarray:
        """Like :meth:`project` but x, y as fractions of width and height."""
        px, _ = self.project(points)
        return px / np.array([self.width, self.height], dtype=float)

    # -- placing ----------------------------------------------------------------------
    def fit(self, points: np.ndarray) -> "Camera":
        """A copy with the unset placement resolved so that all ``points`` (..., 3) are in frame.

        ``target_m`` defaults to the centre of the points' bounding box, ``height_m`` to the
        target height plus a per-view raise, ``distance_m`` to the smallest distance that keeps
        every point inside the image with ``margin`` to spare. Set fields are kept as given.
        """
        pts = np.asarray(points, dtype=float).reshape(-1, 3)
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        if pts.shape[0] == 0:
            raise ValueError("cannot fit a camera to no points")
        if pts.shape[0] > 20000:                      # thin out long clips; bounds barely move
            pts = pts[:: int(math.ceil(pts.shape[0] / 20000))]
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        target = self.target_m if self.target_m is not None else tuple(float(v) for v in 0.5 * (lo + hi))
        height = self.height_m if self.height_m is not None else max(0.05, target[1] + _VIEW_RAISE_M[self.view])
        cam = dataclasses.replace(self, target_m=target, height_m=height,
                                  distance_m=self.distance_m if self.distance_m is not None else 1.0)
        if self.distance_m is not None:
            return cam
        m = self.margin

        def fits(d: float) -> bool:
            c = dataclasses.replace(cam, distance_m=d)
            if np.any(c.world_to_camera(pts)[:, 2] < 0.15):
                return False
            uv = c.project_normalized(pts)
            return bool(np.all(np.isfinite(uv)) and uv.min() >= m and uv.max() <= 1.0 - m)

        lo_d, hi_d = 0.3, 2.0
        while not fits(hi_d):
            hi_d *= 1.6
            if hi_d > 30.0:
                raise ValueError("cannot fit the body in frame: check fov_deg, margin and height_m")
        if fits(lo_d):
            return dataclasses.replace(cam, distance_m=lo_d)
        for _ in range(40):
            mid = 0.5 * (lo_d + hi_d)
            if fits(mid):
                hi_d = mid
            else:
                lo_d = mid
        return dataclasses.replace(cam, distance_m=hi_d)


def _num(name: str, v: object, lo: float, hi: float) -> None:
    if not isinstance(v, (int, float, np.integer, np.floating)) or isinstance(v, bool) \
            or not math.isfinite(float(v)) or not lo <= float(v) <= hi:
        raise ValueError(f"{name} must be a number in [{lo}, {hi}], got {v!r}")
