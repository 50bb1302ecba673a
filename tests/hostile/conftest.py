"""Fixtures of the hostile probe (the tools live in ``hostile_probe.py``)."""

from hostile_probe import good_arrays, good_npz, read_only_dir, small_disk  # noqa: F401  (fixtures)
