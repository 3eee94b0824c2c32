"""Running the `hnlreach` command in a subprocess, and the one-line-error contract (exit 2)."""
import subprocess
import sys

CMD = [sys.executable, "-m", "hnlreach.cli"]


def run_cli(*args, timeout=120):
    """Run `hnlreach ARGS...`; returns the CompletedProcess (text stdout/stderr)."""
    return subprocess.run([*CMD, *args], capture_output=True, text=True, timeout=timeout, check=False)


def assert_one_line_error(res):
    """Bad input: exit status 2, nothing on stdout, one line 'hnlreach: error: ...' on stderr."""
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hnlreach: error:"), res.stderr
    assert "Traceback" not in res.stderr
    return lines[0]
