"""One cache module: pickles by kind, read back only when they hold what is expected, and
pruned to the most recently used files of each kind."""

from __future__ import annotations

import os

from flaglint import cache


def test_each_kind_keeps_its_most_recently_used_files(tmp_path, monkeypatch):
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path))
    paths = [cache.cache_file("history", "root", f"head{i}") for i in range(12)]
    for i, path in enumerate(paths):
        cache.store(path, {"n": i})
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    assert cache.load(paths[0], dict) is None  # pruned long ago
    assert cache.load(paths[4], dict) == {"n": 4}  # used now: kept at the next prune
    cache.store(cache.cache_file("history", "root", "new"), {"n": "new"})
    kept = sorted(p.name for p in tmp_path.glob("history-*.pickle"))
    assert len(kept) == cache.KEEP["history"] == 8
    assert paths[4].name in kept and paths[5].name not in kept
    cache.store(cache.cache_file("blame", "root", "h"), {})
    assert len(list(tmp_path.glob("history-*.pickle"))) == 8  # other kinds are left alone


def test_a_damaged_or_foreign_pickle_is_ignored(tmp_path):
    path = tmp_path / "facts-x.pickle"
    path.write_bytes(b"not a pickle")
    assert cache.load(path, dict) is None
    cache.store(path, ["a list"])
    assert cache.load(path, dict) is None
    assert cache.load(path, list) == ["a list"]


def test_cached_facts_come_back_equal(tmp_path, monkeypatch):
    from flaglint.facts.extract import extract

    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path))
    source = b'from app import client\n\nif client.is_enabled("k", default=False):\n    go()\n'
    facts = extract(source, "m.py", "m", False)
    facts_cache = cache.FactsCache(tmp_path / "root")
    facts_cache.put("m.py", "key", facts)
    facts_cache.save({"m.py"})
    again = cache.FactsCache(tmp_path / "root")
    assert again.get("m.py", "key") == facts and again.get("m.py", "other") is None
    read_only = cache.FactsCache(tmp_path / "root", read_only=True)
    read_only.put("n.py", "key", facts)
    read_only.save({"m.py", "n.py"})
    assert cache.FactsCache(tmp_path / "root").get("n.py", "key") is None
