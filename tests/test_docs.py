"""Docs and packaging: API reference builds offline, examples use only the public API, users see
papers (not internal source numbers), licence and citation files, optional extras fail clearly."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli

import hnlreach

ROOT = Path(__file__).resolve().parents[1]


def test_api_reference_builds_offline(tmp_path):
    pytest.importorskip("pdoc")
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_api_docs.py"), str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    page = (tmp_path / "hnlreach.html").read_text()
    for name in ("limit", "LimitResult", "generate_events", "HNL", "read_limit"):
        assert f'id="{name}"' in page, name
    assert "does not resolve" not in res.stderr
    assert (tmp_path / "hnlreach" / "api.html").is_file()


def test_examples_use_only_the_public_api():
    public = set(hnlreach.__all__)
    for path in sorted((ROOT / "examples").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hnlreach"):
                assert node.module == "hnlreach" and {a.name for a in node.names} <= public, (path.name, node.module)
            if isinstance(node, ast.Import):
                for a in node.names:
                    assert not a.name.startswith("hnlreach.") and a.name != "hnlreach.", (path.name, a.name)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "hnlreach":
                assert node.attr in public, (path.name, node.attr)


def test_users_see_papers_not_internal_source_numbers():
    """README, `hnlreach experiments` and the package text cite papers."""
    pat = re.compile(r"seed(s| papers)?[ _/-]?00[0-9](?![0-9])"  # "seed 002", "seeds 001/003", "seed001_emulation"
                     r"|\b[A-Za-z.]+ et al\./00[0-9]\b"  # "Liu et al./003"
                     r"|arXiv:[0-9.]+/00[0-9]\b", re.IGNORECASE)  # "arXiv:2412.15051/003"
    res = run_cli("experiments")
    assert res.returncode == 0 and not pat.search(res.stdout) and "arXiv:2107.14685" in res.stdout
    bad = []
    for p in [ROOT / "README.md", *(ROOT / "src" / "hnlreach").rglob("*"), *(ROOT / "docs").rglob("*")]:
        if p.is_file() and p.suffix in (".py", ".md", ".toml", ".dat", ".csv"):
            for i, line in enumerate(p.read_text(errors="ignore").splitlines(), 1):
                if pat.search(line):
                    bad.append(f"{p.relative_to(ROOT)}:{i}")
    assert not bad, f"{len(bad)} lines name internal source numbers, e.g. {bad[:5]}"


def test_license_and_citation():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    cff = (ROOT / "CITATION.cff").read_text()
    assert "cff-version" in cff and "arXiv:2107.14685" in cff
    assert 'license = {text = "MIT"}' in (ROOT / "pyproject.toml").read_text()


def test_limit_run_does_not_import_event_file_libraries():
    code = ("import sys, hnlreach; hnlreach.limit('charm', masses='1.0', n_hnl=500, jobs=1, progress='none');"
            "print(sorted(m for m in ('pyarrow', 'pyhepmc') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_missing_extra_is_one_line_error(tmp_path):
    """Without pyarrow, a Parquet output is refused before any work with the pip command to run."""
    code = ("import sys; sys.modules['pyarrow'] = None; from hnlreach.cli import main; "
            f"main(['events', 'charm', '--mass', '1', '--coupling', '1e-6', '--out', r'{tmp_path / 'e.parquet'}'])")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and res.stderr.strip().count("\n") == 0
    assert "pip install 'hnlreach[events]'" in res.stderr and not (tmp_path / "e.parquet").exists()


def test_decay_example_runs():
    res = subprocess.run([sys.executable, str(ROOT / "examples" / "hnl_decays.py")], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "c tau" in res.stdout and "N -> nu mu+ mu-" in res.stdout
