"""Replace the project's internal source-paper numbers ("seed 002") by the papers they are, in the
text users read (docstrings, comments, TOML provenance, READMEs, reports).

    python scripts/cite_papers.py [FILES...]     (default: src/, README.md, docs/, scripts/, examples/)

"(seed 002)" next to the paper's own arXiv number is dropped; elsewhere "seed 002" becomes
"Boiarska et al. arXiv:2107.14685", or "Boiarska et al." when the number is already on the line.
Identifiers (seed001-emulation, SEED002_...) are left alone.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPERS = {  # seed number -> (short name, arXiv number or None)
    "000": ("ArgoNeuT", "2106.13684"),
    "001": ("Liu et al.", "2412.15051"),
    "002": ("Boiarska et al.", "2107.14685"),
    "003": ("Liu et al.", "2412.15051"),
    "004": ("Hostert's NuTools 2022 talk", None),
}
S = r"(?i:project )?(?i:seed)[ -](00[0-4])(?![0-9A-Za-z_]|-emulation)"
SUFFIXES = {".py", ".md", ".toml", ".txt", ".dat", ".csv", ".cfg", ".rst"}


def fix_line(line: str) -> str:
    def known(num):
        arx = PAPERS[num][1]
        return arx is None or arx in line

    def cite(num):
        name, arx = PAPERS[num]
        return name if known(num) else f"{name} arXiv:{arx}"

    # "seed 002 (Boiarska et al. arXiv:2107.14685)" -> "Boiarska et al. arXiv:2107.14685"
    line = re.sub(S + r"\s*\(([^()]*arXiv:[0-9.]+[^()]*)\)",
                  lambda m: m.group(2) if PAPERS[m.group(1)][1] and PAPERS[m.group(1)][1] in m.group(2) else m.group(0),
                  line)
    line = re.sub(r"\s*\(\s*" + S + r"\s*\)", lambda m: "" if known(m.group(1)) and PAPERS[m.group(1)][1]
                  else f" ({cite(m.group(1))})", line)
    line = re.sub(r"\(\s*" + S + r"\s*[,;]\s*", lambda m: "(" if known(m.group(1)) and PAPERS[m.group(1)][1]
                  else f"({cite(m.group(1))}; ", line)
    line = re.sub(r",\s*" + S + r"\s*\)", lambda m: ")" if known(m.group(1)) and PAPERS[m.group(1)][1]
                  else f", {cite(m.group(1))})", line)
    line = re.sub(S + r"'s", lambda m: (PAPERS[m.group(1)][0] + "'s" if known(m.group(1))
                                        else f"{PAPERS[m.group(1)][0]}'s (arXiv:{PAPERS[m.group(1)][1]})"), line)
    line = re.sub(S, lambda m: cite(m.group(1)), line)
    return line


def fix_text(text: str) -> str:
    return "".join(fix_line(ln) for ln in text.splitlines(keepends=True))


def files(args):
    if args:
        return [Path(a) for a in args]
    roots = [ROOT / "src", ROOT / "docs", ROOT / "scripts", ROOT / "examples", ROOT / "README.md"]
    out = []
    for r in roots:
        if r.is_file():
            out.append(r)
        elif r.is_dir():
            out += [p for p in r.rglob("*") if p.is_file() and p.suffix in SUFFIXES and p.name != "cite_papers.py"]
    return out


def main(args):
    changed = 0
    for p in files(args):
        try:
            text = p.read_text()
        except UnicodeDecodeError:
            continue
        new = fix_text(text)
        if new != text:
            p.write_text(new)
            changed += 1
    print(f"{changed} files changed")


if __name__ == "__main__":
    main(sys.argv[1:])
