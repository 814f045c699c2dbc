"""Running the notebooks: parallel kernels share the cores instead of competing for them."""

from __future__ import annotations

import json
import os

import nbformat

from essaylab.run import _THREAD_VARIABLES, execute_to_html, kernel_threads


def test_kernel_threads_share_the_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert [kernel_threads(jobs) for jobs in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # unknown: one thread
    assert kernel_threads(2) == 1


def test_the_kernel_gets_the_thread_cap_unless_the_user_set_one(tmp_path, monkeypatch):
    seen = tmp_path / "seen.json"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"import json, os\njson.dump({{k: os.environ.get(k) for k in {list(_THREAD_VARIABLES)!r}}}, open({str(seen)!r}, 'w'))")])
    path = tmp_path / "threads.ipynb"
    nbformat.write(notebook, path)
    for name in _THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the user's own setting wins

    _, _, error = execute_to_html(path, tmp_path, timeout=120, threads=3)

    assert error == ""
    assert json.loads(seen.read_text()) == {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "3", "MKL_NUM_THREADS": "3"}
