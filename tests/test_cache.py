"""Disk cache of per-mass samples (hnlreach.cache): a second scan reads what the first wrote and
gives identical results; the key separates experiments, models, seeds and sample sizes; files
are written atomically and an unreadable file is recomputed."""
import functools

import numpy as np

from hnlreach.cache import CachedFactory, cached_factory, experiment_hash
from hnlreach.scan import scan_masses
from test_scan_precision import toy_sample

CALLS = []


def counting_sample(mass, rng, n_hnl=100):
    CALLS.append((mass, n_hnl))
    return toy_sample(mass, rng, n_hnl)


def test_second_scan_reads_the_cache_and_a_new_cl_does_not_resimulate(tmp_path):
    f = CachedFactory(functools.partial(counting_sample, n_hnl=300), "toy|model=a", tmp_path)
    CALLS.clear()
    a = scan_masses([0.7, 1.0], f, 2.3, (1e-12, 1.0), seed=2, jobs=1, precision=0.05)
    n_first = len(CALLS)
    assert n_first >= 2 and list(tmp_path.rglob("*.npz"))
    assert not list(tmp_path.rglob("*.tmp"))  # atomic: no temporary left behind
    b = scan_masses([0.7, 1.0], f, 2.3, (1e-12, 1.0), seed=2, jobs=1, precision=0.05)
    assert len(CALLS) == n_first  # nothing simulated again
    assert [x.intervals for x in a.results] == [x.intervals for x in b.results]
    c = scan_masses([0.7, 1.0], f, 3.0, (1e-12, 1.0), seed=2, jobs=1, precision=0.05)  # other CL
    assert len(CALLS) == n_first
    assert c.results[0].lower > a.results[0].lower
    scan_masses([0.7], f, 2.3, (1e-12, 1.0), seed=3, jobs=1, precision=0.05)  # other seed
    assert len(CALLS) > n_first


def test_keys_separate_samples_and_bad_files_are_recomputed(tmp_path):
    f = CachedFactory(counting_sample, "k1", tmp_path)
    g = CachedFactory(counting_sample, "k2", tmp_path)
    assert f.path(1.0, 1, 0, 100) != g.path(1.0, 1, 0, 100)
    assert f.path(1.0, 1, 0, 100) != f.path(1.0, 1, 1, 100) != f.path(1.0, 1, 0, 200)
    assert f.path(1.0, 1, 0, 100) != f.path(np.nextafter(1.0, 2.0), 1, 0, 100)
    p = f.path(0.5, 1, 0, 100)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"not a zip")
    s = f.cached_sample(0.5, 1, 0, 100, np.random.default_rng(1))
    assert s.p.size == 100
    np.testing.assert_array_equal(f.cached_sample(0.5, 1, 0, 100, None).p, s.p)


def test_experiment_hash_follows_referenced_files(tmp_path):
    (tmp_path / "flux.dat").write_text("1 2\n")
    (tmp_path / "e.toml").write_text('[x]\nfile = "flux.dat"\n')
    h1 = experiment_hash.__wrapped__(str(tmp_path / "e.toml"))
    (tmp_path / "flux.dat").write_text("1 3\n")
    assert experiment_hash.__wrapped__(str(tmp_path / "e.toml")) != h1
    assert cached_factory(counting_sample, tmp_path / "e.toml", tmp_path, mixing="mu").key != \
        cached_factory(counting_sample, tmp_path / "e.toml", tmp_path, mixing="e").key


def test_prune_removes_oldest_samples_down_to_the_cap(tmp_path):
    import os

    from hnlreach.cache import prune

    d = tmp_path / "samples" / "ab"
    d.mkdir(parents=True)
    for i in range(5):  # 5 files of 1000 bytes, oldest first
        f = d / f"{i}.npz"
        f.write_bytes(b"x" * 1000)
        os.utime(f, (1000 + i, 1000 + i))
    assert prune(tmp_path, max_bytes=2500) == 3
    assert sorted(p.name for p in d.iterdir()) == ["3.npz", "4.npz"]
    assert prune(tmp_path, max_bytes=2500) == 0
