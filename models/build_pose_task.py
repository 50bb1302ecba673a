#!/usr/bin/env python3
"""Rebuild ``models/pose_landmarker_full.task`` byte for byte from the mediapipe 0.10.21 wheel.

The official ``.task`` bundles are not downloadable here, and nothing may download at run time,
so the bundle is assembled from the two TFLite models that ship inside the PyPI wheel
``mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl``:

    mediapipe/modules/pose_detection/pose_detection.tflite     -> pose_detector.tflite
    mediapipe/modules/pose_landmark/pose_landmark_full.tflite  -> pose_landmarks_detector.tflite

The Tasks API (``PoseLandmarker``) reads the input normalisation from TFLite metadata, which the
landmark model lacks (and the detector's is mislabelled "Full Range Face Detection"). The metadata
writer shipped in that same 0.10.21 wheel adds it; the 1.x wheels' writer does not import, so this
script runs that step inside a throwaway venv with mediapipe==0.10.21 (created on first use).

    detector  input in [-1, 1]: mean 127.5, std 127.5
    landmarks input in [ 0, 1]: mean 0,     std 255

The bundle is a zip with both members STORED (uncompressed, as MediaPipe requires), in a fixed
order, with fixed timestamps (1980-01-01), fixed permissions (0644, "unix") and each member's
data aligned to 64 bytes through an extra field, so two builds give the same sha256.

Usage (from the repository root, with any Python 3.11):

    python3 models/build_pose_task.py --wheel /tmp/mpwheel/mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl

Without ``--wheel`` the wheel is fetched with ``pip download --no-deps mediapipe==0.10.21``.
``--venv`` (default /tmp/mp0102) is the build venv; ``--check`` fails unless the result matches
the sha256 recorded below (and in models/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MEDIAPIPE_VERSION = "0.10.21"
WHEEL_NAME = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
# The metadata step packs flatbuffers in Python: pin the package so the bytes cannot drift.
BUILD_PINS = ("flatbuffers==25.12.19",)
# sha256 of the .task this script produces (kept in step with models/README.md).
TASK_SHA256 = "a686e3555e8494316f0c52df109f18e9ae93141a56691d08f6add5c2d411e475"

# (member name in the .task, path inside the wheel, metadata to write)
MEMBERS = (
    (
        "pose_detector.tflite",
        "mediapipe/modules/pose_detection/pose_detection.tflite",
        {
            "name": "Pose detector (BlazePose)",
            "description": "Detects people and their alignment keypoints; input RGB in [-1, 1].",
            "mean": 127.5,
            "std": 127.5,
            "outputs": (
                ("raw boxes/keypoints", "Undecoded person boxes and alignment keypoints."),
                ("scores", "Scores of the undecoded boxes."),
            ),
        },
    ),
    (
        "pose_landmarks_detector.tflite",
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        {
            "name": "Pose landmarks detector (BlazePose GHUM 3D, full)",
            "description": "33 pose landmarks on a person crop; input RGB in [0, 1].",
            "mean": 0.0,
            "std": 255.0,
            "outputs": (
                ("landmarks", "39 landmarks x (x, y, z, visibility, presence) in crop pixels."),
                ("pose presence", "Pose presence flag (logit)."),
                ("segmentation", "Person segmentation mask logits."),
                ("heatmap", "Landmark heatmaps."),
                ("world landmarks", "39 landmarks x (x, y, z) in metres."),
            ),
        },
    ),
)

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_ALIGNMENT = 64
ALIGN_EXTRA_ID = 0xD935  # the extra-field id Android's zipalign uses for padding

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "pose_landmarker_full.task"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- stage 2: inside the mediapipe 0.10.21 venv --------------------------------------------
def add_metadata(wheel: Path, workdir: Path) -> None:
    """Extract both models from the wheel and write them with metadata into ``workdir``."""
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    with zipfile.ZipFile(wheel) as whl:
        for member, wheel_path, md in MEMBERS:
            model = bytearray(whl.read(wheel_path))
            writer = metadata_writer.MetadataWriter.create(model)
            writer.add_general_info(md["name"], md["description"])
            writer.add_image_input(norm_mean=[md["mean"]], norm_std=[md["std"]])
            for name, description in md["outputs"]:
                writer.add_feature_output(name=name, description=description)
            tflite, _json = writer.populate()
            (workdir / member).write_bytes(bytes(tflite))


# -- stage 1: any Python 3.11 ---------------------------------------------------------------
def fetch_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
         f"mediapipe=={MEDIAPIPE_VERSION}", "-d", str(dest)],
        check=True,
    )
    return dest / WHEEL_NAME


def ensure_venv(venv: Path, wheel: Path) -> Path:
    python = venv / "bin" / "python"
    want = {"mediapipe": MEDIAPIPE_VERSION, **dict(p.split("==") for p in BUILD_PINS)}
    probe = [str(python), "-c",
             "import importlib.metadata as m, sys; "
             f"sys.exit(any(m.version(k) != v for k, v in {want!r}.items()))"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel), *BUILD_PINS], check=True)
    subprocess.run(probe, check=True)
    return python


def write_task(members: list[tuple[str, bytes]], out: Path) -> None:
    """Deterministic zip: STORED members, fixed order/time/mode, data aligned via extra field."""
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix, so external_attr means a mode
            info.external_attr = 0o100644 << 16
            header = 30 + len(name.encode())
            pad = (-(raw.tell() + header + 4)) % ZIP_ALIGNMENT
            info.extra = struct.pack("<HH", ALIGN_EXTRA_ID, pad) + b"\0" * pad
            zf.writestr(info, data)
    with zipfile.ZipFile(tmp) as zf:
        for info in zf.infolist():
            assert (info.header_offset + 30 + len(info.filename) + len(info.extra)) % ZIP_ALIGNMENT == 0
        bad = zf.testzip()
        if bad is not None:
            raise SystemExit(f"zip self-test failed on {bad}")
    tmp.replace(out)


def build(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="pose_task_") as tmpdir:
        tmp = Path(tmpdir)
        wheel = Path(args.wheel) if args.wheel else fetch_wheel(tmp)
        if not wheel.is_file():
            raise SystemExit(f"wheel not found: {wheel}")
        got = sha256_of(wheel)
        if got != WHEEL_SHA256:
            raise SystemExit(f"{wheel.name}: sha256 {got} is not the expected {WHEEL_SHA256}")
        python = ensure_venv(Path(args.venv), wheel)
        workdir = tmp / "models"
        workdir.mkdir()
        subprocess.run(
            [str(python), str(Path(__file__).resolve()), "--stage", "metadata",
             "--wheel", str(wheel), "--workdir", str(workdir)],
            check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        members = [(name, (workdir / name).read_bytes()) for name, _, _ in MEMBERS]
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_task(members, out)
    digest = sha256_of(out)
    print(f"{out}  sha256 {digest}  ({out.stat().st_size} bytes)")
    for name, data in members:
        print(f"  {name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    if args.check and digest != TASK_SHA256:
        print(f"MISMATCH: expected {TASK_SHA256}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", help=f"path to {WHEEL_NAME} (default: pip download it)")
    parser.add_argument("--venv", default="/tmp/mp0102",
                        help="build venv with mediapipe==0.10.21 (created if missing)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output .task path")
    parser.add_argument("--check", action="store_true",
                        help="fail unless the result has the recorded sha256")
    parser.add_argument("--stage", choices=["bundle", "metadata"], default="bundle",
                        help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "metadata":
        add_metadata(Path(args.wheel), Path(args.workdir))
        return 0
    return build(args)


if __name__ == "__main__":
    sys.exit(main())
