"""Execute notebooks to HTML with nbconvert: ``python -m essaylab.run [--jobs N] NOTEBOOK...``.

Each notebook runs in its own ``python3`` kernel with an explicit per-cell
timeout; the HTML goes to ``REPORTS_DIR`` and the notebooks themselves are
left untouched (they are committed without outputs). Independent notebooks
can run in parallel (``--jobs``); the report order and content do not depend on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .paths import cache_dir, essays_dir, reports_dir

KERNEL = "python3"
# Below this many essays the notebooks are quick and warming the cache first would only add start-up time.
PREPARE_MIN = 100


def _count_essays() -> int:
    """Rows of the essays folder's metadata.csv (0 if unreadable: the notebooks will report the problem)."""
    try:
        with open(essays_dir() / "metadata.csv", encoding="utf-8-sig") as handle:
            return max(0, sum(1 for line in handle if line.strip()) - 1)
    except OSError:
        return 0


# Thread pools of the numeric libraries a kernel may start (OpenBLAS, MKL, OpenMP).
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_threads(jobs: int) -> int:
    """Threads per kernel when ``jobs`` notebooks run at once: the cores shared out, at least one."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


def execute_to_html(notebook: Path, output_dir: Path, timeout: int, threads: int | None = None) -> tuple[Path, float, str]:
    """Run one notebook with ``jupyter nbconvert --execute --to html``; return (notebook, seconds, error text).

    ``threads`` caps the numeric libraries' thread pools in the kernel (unless the environment already
    sets them): with two notebooks on two cores, each starting a pool of two threads, the threads
    compete and the run is slower than with one each.
    """
    start = time.perf_counter()
    command = [
        sys.executable, "-m", "nbconvert", "--to", "html", "--execute",
        f"--ExecutePreprocessor.timeout={timeout}", f"--ExecutePreprocessor.kernel_name={KERNEL}",
        "--output-dir", str(output_dir), str(notebook),
    ]
    # The kernel must draw with its inline backend, or the report has no figures.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if threads:
        for name in _THREAD_VARIABLES:
            env.setdefault(name, str(threads))
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    error = "" if result.returncode == 0 else (result.stderr or result.stdout)[-4000:]
    return notebook, time.perf_counter() - start, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=1, help="notebooks executed at once (default 1)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    parser.add_argument("--prepare-min", type=int, default=PREPARE_MIN,
                        help="warm the cache first (essaylab.prepare) when the corpus has at least this many essays")
    args = parser.parse_args(argv)
    from . import cache

    cache.prune()  # entries of older library code are never read again
    if _count_essays() >= args.prepare_min:
        from .prepare import main as prepare

        prepare(["--jobs", str(max(1, args.jobs))])
    output_dir = reports_dir(create=True)
    failed = []
    # Start the notebooks that took longest last time first, so parallel runs end together;
    # results are reported (and written) in the given order whatever the start order.
    previous = _load_durations()
    start_order = sorted(args.notebooks, key=lambda nb: -previous.get(nb.name, 0.0))
    durations = {}
    threads = kernel_threads(args.jobs)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {nb: pool.submit(execute_to_html, nb, output_dir, args.timeout, threads) for nb in start_order}
        for nb in args.notebooks:  # report in the given order
            notebook, seconds, error = futures[nb].result()
            durations[notebook.name] = round(seconds, 1)
            status = "ok" if not error else "FAILED"
            print(f"{status:6} {notebook.name:40} {seconds:6.1f} s -> {output_dir / (notebook.stem + '.html')}")
            if error:
                failed.append(notebook.name)
                print(error, file=sys.stderr)
    _save_durations({**previous, **durations})
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _durations_file() -> Path:
    return cache_dir() / "run-durations.json"


def _load_durations() -> dict[str, float]:
    try:
        return json.loads(_durations_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_durations(durations: dict[str, float]) -> None:
    try:
        _durations_file().parent.mkdir(parents=True, exist_ok=True)
        _durations_file().write_text(json.dumps(durations, sort_keys=True), encoding="utf-8")
    except OSError:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
