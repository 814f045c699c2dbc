"""The disk cache's own housekeeping (what each cached step keeps is tested with that step)."""

from __future__ import annotations


def test_prune_keeps_this_code_and_the_latest_other_version(tmp_path, monkeypatch):
    """Entries live in a folder per code version; prune deletes all but this version's and the most recently
    written other one's (and the old single folder), and leaves anything else in the cache folder alone."""
    import os

    from essaylab import cache

    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path))
    cache.store(cache.key("prune", "x"), {"value": 1})
    current = tmp_path / cache.code_version()
    assert [p.parent for p in tmp_path.rglob("*.pkl")] == [current]
    folders = {name: tmp_path / name for name in ("0123456789abcdef", "fedcba9876543210", "essays", "notes")}
    for age, folder in enumerate(folders.values()):
        folder.mkdir()
        (folder / "x.pkl").write_bytes(b"")
        os.utime(folder, (1_000_000 - age * 1000, 1_000_000 - age * 1000))  # the first is the newest
    (tmp_path / "run-durations.json").write_text("{}", encoding="utf-8")
    removed = cache.prune(keep=2)
    assert sorted(p.name for p in removed) == ["essays", "fedcba9876543210"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [cache.code_version(), "0123456789abcdef", "notes", "run-durations.json"])
    assert cache.load(cache.key("prune", "x")) == {"value": 1}
    assert [p.name for p in cache.prune(keep=1)] == ["0123456789abcdef"]
    monkeypatch.setenv("ESSAYLAB_CACHE", "off")
    assert cache.prune() == []
