"""Build the API reference (HTML, from the docstrings, with pdoc) into docs/api/ — offline.

    python scripts/build_api_docs.py [OUTDIR]

Documents the public API: the `hnlreach` package (limit, LimitResult, HNL, generate_events,
read_events, write_events, read_limit), the result and output formats (hnlreach.api,
hnlreach.outputs.tables / plot / events / coupling / published), the mass scan and the experiment
presets loader.  Needs `pdoc` (in the `test` extra).
"""
from __future__ import annotations

import sys
from pathlib import Path

MODULES = ["hnlreach", "hnlreach.api", "hnlreach.model", "hnlreach.scan", "hnlreach.experiments",
           "hnlreach.outputs.tables", "hnlreach.outputs.plot", "hnlreach.outputs.events",
           "hnlreach.outputs.coupling", "hnlreach.outputs.published", "hnlreach.errors"]


def build(outdir: Path) -> Path:
    import pdoc
    import pdoc.render

    import hnlreach

    for name in hnlreach._LAZY:  # resolve the lazy exports so that pdoc documents them in place
        setattr(hnlreach, name, getattr(hnlreach, name))

    pdoc.render.configure(docformat="markdown", show_source=False, search=False,
                          footer_text="hnlreach API reference")
    pdoc.pdoc(*MODULES, output_directory=Path(outdir))
    return Path(outdir) / "index.html"


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "api"
    print(build(out))
