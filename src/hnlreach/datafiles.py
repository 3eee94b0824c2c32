"""Data files shipped with the package, named from any experiment TOML as ``pkg:<folder>/<file>``.

    resolve_data_path("pkg:charm/pythia8_pp_400GeV_D0.csv", base, where, "sources[0].spectrum.file")
    shipped_data()     # [(reference, provenance note), ...] -- what `hnlreach data FOLDER` / `--all` print
    shipped_folders()  # [(folder, number of files, description), ...] -- what `hnlreach data` prints

A ``pkg:`` reference is looked up in the package's data folders, in this order:
``hnlreach/data`` (tables shared by presets: charm spectra, nuclear data, published limits) and
``hnlreach/experiments/data`` (one folder per preset: fluxes, efficiencies, geometries).  A plain
file name is relative to the TOML's folder (or absolute).  A missing file is an HNLInputError
``FILE: key.path: problem`` naming the resolved path.
"""
from __future__ import annotations

from pathlib import Path

from hnlreach.errors import HNLInputError

PACKAGE = Path(__file__).resolve().parent
DATA_ROOTS = (PACKAGE / "data", PACKAGE / "experiments" / "data")
PREFIX = "pkg:"


def is_reference(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def shipped_path(ref: str) -> Path | None:
    """The file a ``pkg:folder/file`` reference names, or None if no data folder has it."""
    rel = ref[len(PREFIX):].strip().lstrip("/")
    if not rel or ".." in Path(rel).parts:
        return None
    for root in DATA_ROOTS:
        p = root / rel
        if p.is_file():
            return p
    return None


def resolve_data_path(value: str, base: Path, where: str, key: str, what: str = "file") -> Path:
    """Path of a data file (what: how the error names it) named in a TOML at key (``pkg:`` reference,
    or relative to base); HNLInputError ``where: key: problem`` if it does not exist."""
    if is_reference(value):
        p = shipped_path(value)
        if p is None:
            roots = " or ".join(str(r) for r in DATA_ROOTS)
            raise HNLInputError(f"{where}: {key}: no shipped data file {value!r} (looked in {roots}; "
                                "`hnlreach data` lists them)")
        return p
    p = Path(value)
    p = p if p.is_absolute() else Path(base) / p
    if not p.is_file():
        status = "is not a file" if p.exists() else "does not exist"
        raise HNLInputError(f"{where}: {key}: {what} {value!r} {status} (resolved to {p.resolve()})")
    return p


def _note(path: Path) -> str:
    """Provenance note of a shipped file: the line of its folder's README.md that names it, else
    its first '#' comment line (or the 'provenance' line of a TOML), else that README's title."""
    readme = path.parent / "README.md"
    lines = readme.read_text(errors="replace").splitlines() if readme.is_file() else []
    for ln in lines:
        if path.name in ln:
            return " ".join(ln.replace("|", " ").replace("`", "").split()).lstrip("-* ")
    try:
        with open(path, errors="replace") as fh:
            head = [fh.readline() for _ in range(3)]
    except OSError:
        head = []
    for ln in head:
        s = ln.strip()
        if s.startswith("provenance"):
            return s.partition("=")[2].strip().strip('"')
        if s.startswith("#") and "do not edit" not in s:
            return s.lstrip("# ").strip()
    for ln in lines:
        if ln.startswith("#"):
            return ln.lstrip("# ").strip() + f" (see {readme.relative_to(PACKAGE).as_posix()})"
    return ""


def shipped_data(folder: str | None = None) -> list[tuple[str, str]]:
    """(``pkg:`` reference, provenance note) of every shipped data file (README files excluded);
    folder: only files under that folder.  A reference found in two roots names the first."""
    out, seen = [], set()
    for root in DATA_ROOTS:
        for p in sorted(root.rglob("*")):
            if not p.is_file() or p.name == "README.md" or p.name.startswith(".") or "__pycache__" in p.parts:
                continue
            rel = p.relative_to(root).as_posix()
            if rel in seen or (folder is not None and not rel.startswith(folder.strip("/") + "/")):
                continue
            seen.add(rel)
            out.append((PREFIX + rel, _note(p)))
    return out


def shipped_folders() -> list[tuple[str, int, str]]:
    """(folder, number of shipped files, description) per top-level data folder with files, by name
    (a folder present in both roots counts once).  Description: the title of the folder's README.md
    (the first root that has one), else the provenance note of its first file."""
    files: dict[str, list[str]] = {}
    for ref, note in shipped_data():
        files.setdefault(ref[len(PREFIX):].split("/")[0], []).append(note)
    out = []
    for folder in sorted(files):
        title = ""
        for root in DATA_ROOTS:
            readme = root / folder / "README.md"
            if readme.is_file():
                first = next((ln for ln in readme.read_text(errors="replace").splitlines() if ln.strip()), "")
                title = first.lstrip("# ").strip()
                break
        out.append((folder, len(files[folder]), title or files[folder][0]))
    return out
