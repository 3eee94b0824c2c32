"""Shipped data named from any TOML as pkg:<folder>/<file>; `hnlreach data`; path errors."""
import csv
import io
import json
import re

import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.datafiles import DATA_ROOTS, resolve_data_path, shipped_data, shipped_folders, shipped_path
from hnlreach.errors import HNLInputError
from hnlreach.experiments import PRESET_DIR, load_experiment, preset_paths

TOY = (PRESET_DIR / "toy-dump.toml").read_text()
SPECTRUM = '{ kind = "xf_pt2", n = 6.0, b_GeV2 = 1.0 }'


def _user_toml(tmp_path, ref="pkg:charm/pythia8_pp_400GeV_D0.csv"):
    """A user's experiment outside the package: the toy dump with D0 only, its spectrum a shipped table."""
    text = TOY.replace(f'yield_per_pot = 4.869e-3     # 2 x 4e-3 x 0.6086\nspectrum = {SPECTRUM}',
                       f'yield_per_pot = 4.869e-3\nspectrum = {{ kind = "table", file = "{ref}" }}')
    assert ref in text
    p = tmp_path / "mine" / "my-dump.toml"
    p.parent.mkdir()
    p.write_text(text)
    return p


def test_user_toml_with_shipped_table_runs_limit(tmp_path):
    p = _user_toml(tmp_path)
    exp = load_experiment(p)
    d0 = [s for s in exp.sources if s.name == "D0"][0]
    # the shipped PYTHIA table is used, not the x_F-p_T^2 shape: its mean momentum differs
    assert type(d0.spectrum).__name__ == "TabulatedSpectrum"
    res = run_cli("limit", str(p), "--masses", "1.0:1.5:2", "--n-hnl", "3000", "--jobs", "1")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(ln for ln in io.StringIO(res.stdout) if not ln.startswith("#")))
    assert [float(r["mass_GeV"]) for r in rows] == [1.0, 1.5]
    assert all(r["lower"] and 0 < float(r["lower"]) < 1e-3 for r in rows)


def test_missing_shipped_file_is_one_line_with_key(tmp_path):
    p = _user_toml(tmp_path, "pkg:charm/no_such_table.csv")
    line = assert_one_line_error(run_cli("limit", str(p)))
    assert f"{p}: sources[2].spectrum.file: no shipped data file 'pkg:charm/no_such_table.csv'" in line
    assert str(DATA_ROOTS[0]) in line and "hnlreach data" in line


def test_missing_relative_file_names_resolved_path(tmp_path):
    p = _user_toml(tmp_path, "../tables/D0.csv")
    line = assert_one_line_error(run_cli("limit", str(p)))
    assert f"{p}: sources[2].spectrum.file: file '../tables/D0.csv' does not exist" in line
    assert f"resolved to {(tmp_path / 'tables' / 'D0.csv').resolve()}" in line


def test_unreadable_table_names_key_and_path(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("p_lo,p_hi\n1,2\n")
    p = _user_toml(tmp_path, str(bad))
    with pytest.raises(HNLInputError, match=r"sources\[2\]\.spectrum\.file: .*5 columns.*resolved to"):
        load_experiment(p)


def test_relative_and_absolute_paths_still_work(tmp_path):
    src = shipped_path("pkg:charm/pythia8_pp_400GeV_D0.csv")
    (tmp_path / "t.csv").write_bytes(src.read_bytes())
    assert resolve_data_path("t.csv", tmp_path, "f", "k") == tmp_path / "t.csv"
    assert resolve_data_path(str(src), tmp_path / "elsewhere", "f", "k") == src


@pytest.mark.parametrize("ref", ["pkg:", "pkg:../errors.py", "pkg:charm"])
def test_bad_references(ref, tmp_path):
    with pytest.raises(HNLInputError, match="no shipped data file"):
        resolve_data_path(ref, tmp_path, "f.toml", "k")


def test_presets_name_shipped_data_only_by_reference():
    for name, path in preset_paths().items():
        assert "../data" not in path.read_text(), name


def test_data_command_lists_every_preset_reference():
    res = run_cli("data", "--all", "--json")
    assert res.returncode == 0, res.stderr
    listed = json.loads(res.stdout)
    assert listed == dict(shipped_data())
    for path in preset_paths().values():
        for ref in set(re.findall(r'"(pkg:[^"]+)"', path.read_text())):
            assert ref in listed, (path.name, ref)
    assert all(note for ref, note in listed.items() if ref.startswith("pkg:charm/")), "provenance missing"
    assert "PYTHIA 8" in listed["pkg:charm/pythia8_pp_400GeV_D0.csv"]


def test_data_command_unknown_folder():
    line = assert_one_line_error(run_cli("data", "no-such-folder"))
    assert "no shipped data folder 'no-such-folder'" in line and "charm" in line


def test_data_command_one_line_per_folder():
    """`hnlreach data`: folder, number of files, README title; `hnlreach data FOLDER` lists exactly those files."""
    res = run_cli("data")
    assert res.returncode == 0, res.stderr
    refs = [r for r, _ in shipped_data()]
    folders = sorted({r[4:].split("/")[0] for r in refs})
    lines = res.stdout.strip().splitlines()
    assert len(lines) == len(folders) + 1 and "hnlreach data FOLDER" in lines[-1]  # + the hint line
    counts = {ln.split()[0]: int(ln.split()[1]) for ln in lines[:-1]}
    assert list(counts) == folders and sum(counts.values()) == len(refs)
    charm = next(ln for ln in lines if ln.startswith("charm "))
    assert charm.split(None, 3)[3] == "Charm-hadron momentum spectra from PYTHIA 8 (shapes only)"  # data/charm/README.md title
    listed = [r for r, _ in shipped_data("charm")]  # what `hnlreach data charm` prints
    assert len(listed) == counts["charm"] and all(r.startswith("pkg:charm/") for r in listed)


def test_data_command_folders_json():
    res = run_cli("data", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out == {f: {"files": n, "description": d} for f, n, d in shipped_folders()}
    assert all(v["description"] and v["files"] >= 1 for v in out.values())
    assert out["published_limits"]["files"] == sum(r.startswith("pkg:published_limits/") for r, _ in shipped_data())


def test_data_command_folder_and_all_is_one_line_error():
    assert "not both" in assert_one_line_error(run_cli("data", "charm", "--all"))
