"""``formcheck analyze`` over several inputs: plan the names, check the places, run each one.

Kept out of the typer command so each rule has one home: output places are checked before the
pose model starts; inputs that share a file name get unique output names (said on stderr); a
run that does not finish renames the previous report of that name to ``*.stale`` so it never
looks like this run's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from formcheck.core.errors import ConfigError, FormcheckError, OutputError
from formcheck.outputs.places import check_output_dir, check_output_file, move_aside, os_error_of, says_disk_full


@dataclass
class Plan:
    items: list[tuple[Path, str]] = field(default_factory=list)  # (input, output stem)
    notes: list[str] = field(default_factory=list)


def unique_stems(inputs: list[Path]) -> Plan:
    """One output stem per input: the second ``clip`` becomes ``clip-2`` (never a name another
    input has), and an input given twice is analysed once."""
    from formcheck.pipeline import output_stem

    plan = Plan()
    natural = [output_stem(p) for p in inputs]
    taken = {n.casefold() for n in natural}
    used: dict[str, Path] = {}
    seen_paths: set[Path] = set()
    for path, stem in zip(inputs, natural):
        real = path.resolve()
        if real in seen_paths:
            plan.notes.append(f"{path} is given more than once; analysed once")
            continue
        seen_paths.add(real)
        if stem.casefold() in used:
            k = 2
            while f"{stem}-{k}".casefold() in taken or f"{stem}-{k}".casefold() in used:
                k += 1
            first = used[stem.casefold()]
            stem = f"{stem}-{k}"
            plan.notes.append(f"{path} has the same name as {first}: its outputs are named {stem}.*")
        used[stem.casefold()] = path
        plan.items.append((path, stem))
    return plan


def plan_inputs(paths: list[Path], *, out: Path, json_path: Path | None, csv_path: Path | None) -> Plan:
    """Inputs expanded and named, and every output place proven writable, before any work."""
    from formcheck.pipeline import expand_inputs

    inputs = expand_inputs(paths)
    if (json_path or csv_path) and len(inputs) > 1:
        raise ConfigError("--json and --csv take one input; with several, use --out (one file per input)")
    check_output_dir(out, "--out")
    for option, target in (("--json", json_path), ("--csv", csv_path)):
        if target is not None:
            check_output_file(target, option)
    return unique_stems(inputs)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class _Outputs:
    """The files a run of ``stem`` may write, as they were before it started."""

    def __init__(self, out_dir: Path, stem: str, extra: list[Path | None]) -> None:
        from formcheck.pipeline import output_files

        self.paths = output_files(out_dir, stem) + [Path(p) for p in extra if p is not None]
        self.before = {p: _identity(p) for p in self.paths}

    def touched(self) -> bool:
        """Whether this run has written or removed any of the files."""
        return any(_identity(p) != self.before[p] for p in self.paths)

    def after_failure(self) -> str:
        """Files this run wrote are removed (it did not finish); the previous run's are renamed
        ``*.stale`` (kept, but no longer looking current). Returns words for the error line."""
        previous = []
        for p in self.paths:
            now = _identity(p)
            if now is None:
                continue
            if now == self.before[p]:
                previous.append(p)
            else:
                p.unlink(missing_ok=True)
        moved = move_aside(previous)
        return f" (the previous report's files were renamed *.stale: {moved[0].name}...)" if moved else ""


def _failed(exc: FormcheckError, outputs: _Outputs) -> FormcheckError:
    """The input's error, its files handled as after any failed run (said in the message)."""
    error_cls = OutputError if says_disk_full(exc) else exc.__class__
    return error_cls(f"{exc}{outputs.after_failure()}")


def run_one(path: Path, stem: str, *, out_dir: Path, json_path: Path | None, csv_path: Path | None, **options):
    """``analyze_path`` for one input; any failure is a FormcheckError with a one-line message."""
    from formcheck.pipeline import analyze_path

    outputs = _Outputs(out_dir, stem, [json_path, csv_path])
    try:
        return analyze_path(path, out_dir=out_dir, json_path=json_path, csv_path=csv_path, stem=stem, **options)
    except FormcheckError as exc:
        raise _failed(exc, outputs) from None
    except OSError as exc:
        raise _failed(os_error_of(exc, path, out_dir), outputs) from None
    except KeyboardInterrupt:
        outputs.after_failure()
        raise


def run_many(items: list[tuple[Path, str]], on_result: Callable[[Path, Any], None], *, out_dir: Path,
             jobs: int, progress: bool, **options: Any) -> None:
    """Several inputs through one pool of ``jobs`` pose processes (whole clips; the last ones are
    split in time). ``on_result(path, result_or_error)`` as each input completes; a failed one
    is handled as ``run_one``'s. On Ctrl-C the inputs being written are cleaned up as a failed
    run's; those not reached yet are left untouched. A bad profile raises before any work."""
    from formcheck.pipeline import analyze_paths, progress_bar

    stems = dict(items)
    pending = {path: _Outputs(out_dir, stem, []) for path, stem in items}
    bar = progress_bar(f"{len(items)} clips ({jobs} processes)", len(items)) if progress else None

    def done(path: Path, result: Any) -> None:
        outputs = pending.pop(path)
        if isinstance(result, FormcheckError):
            result = _failed(result, outputs)
        if bar:
            bar.update(len(items) - len(pending), len(items))
        on_result(path, result)

    try:
        analyze_paths(list(stems), done, jobs=jobs, out_dir=out_dir, stems=stems, **options)
    except KeyboardInterrupt:
        for outputs in pending.values():
            if outputs.touched():
                outputs.after_failure()
        raise
    finally:
        if bar:
            bar.close()


__all__ = ["Plan", "plan_inputs", "run_many", "run_one", "unique_stems"]
