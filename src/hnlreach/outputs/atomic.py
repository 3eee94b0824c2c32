"""Safe file writing for every output and cache file.

* Regular files (or a path that does not exist yet) are written atomically: a temporary file
  ``.NAME.PID.XXXX.tmp`` in the target's directory, flushed and fsync'ed, then ``os.replace``'d
  over the target.  Readers never see a half-written file; a failed write leaves the previous
  file untouched and no temporary file.
* A target that exists and is not a regular file (character/block device such as /dev/null or
  /dev/stdout, a FIFO, a socket) is never replaced: devices and FIFOs are written directly
  (``special_file`` tells callers, e.g. not to create a sidecar next to it); a socket or a
  directory is refused with HNLInputError.
* Several outputs that belong together (CSV + JSON sidecar + plot) are committed together with
  ``commit_group()``: inside the block every atomic write goes to its temporary file only; when
  the block ends without error all temporaries are renamed, back to back in the order they were
  opened, with SIGINT/SIGTERM blocked, so an interrupt cannot leave a new CSV next to an old
  sidecar or plot.  If the block fails, every temporary is removed and no target changes.
  Guarantee: all-or-nothing against errors, SIGINT and SIGTERM; against SIGKILL or a power cut
  only the microseconds between consecutive renames remain (the limit sidecar also records the
  CSV's SHA-256, so a mismatched pair is detectable).
* Temporary files are removed on SIGTERM/SIGINT (the CLI turns both into exceptions, see
  ``install_signal_handlers``) and at interpreter exit; temporaries left by a writer that was
  killed with SIGKILL are swept the next time the same target is written (their PID is dead).
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import os
import re
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import IO, Iterator

from hnlreach.errors import HNLInputError

_LIVE_TEMPS: set[str] = set()  # temporaries of this process not yet committed or removed
_GROUP = threading.local()  # the active commit_group's pending (tmp, target) list, if any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@atexit.register
def _remove_live_temps() -> None:
    for tmp in list(_LIVE_TEMPS):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _LIVE_TEMPS.discard(tmp)


def install_signal_handlers() -> None:
    """SIGTERM (and SIGHUP) raise SystemExit(128 + signum) in the main thread, so `finally`
    blocks and the temporary-file clean-up run as they do for Ctrl-C (KeyboardInterrupt)."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, handler)


def special_file(path: str | os.PathLike) -> bool:
    """True if `path` exists and is a device, FIFO or socket (written directly, never replaced)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_output_path(path: str | os.PathLike, what: str = "output") -> Path:
    """Fail early (HNLInputError, one line) if `path` cannot be written: a directory, a socket, a
    parent that is a file, or a directory without write permission.  Call before long work."""
    p = Path(path)
    if str(path).strip() == "":
        raise HNLInputError(f"{what} path is empty")
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise HNLInputError(f"{what} {p}: a parent of this path is a file, not a directory") from None
    except OSError as exc:
        raise HNLInputError(f"{what} {p}: {exc.strerror}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise HNLInputError(f"{what} {p} is a directory")
        if stat.S_ISSOCK(st.st_mode):
            raise HNLInputError(f"{what} {p} is a socket: cannot write to it")
        if not stat.S_ISREG(st.st_mode):
            if not os.access(p, os.W_OK):
                raise HNLInputError(f"{what} {p}: permission denied")
            return p  # device or FIFO: written directly
    parent = p.parent
    anc = parent
    while not anc.exists():  # the first existing ancestor must be a writable directory
        if anc.parent == anc:
            break
        anc = anc.parent
    if anc.exists() and not anc.is_dir():
        raise HNLInputError(f"{what} {p}: {anc} is a file, not a directory")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise HNLInputError(f"{what} {p}: directory {anc} is not writable")
    return p


def _sweep_stale(target: Path) -> None:
    """Remove temporaries of `target` left by writers that no longer run (killed with SIGKILL)."""
    pat = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[^.]+\.tmp$")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        m = pat.match(name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # that writer still runs
        except ProcessLookupError:
            pass
        except OSError:
            continue
        with contextlib.suppress(OSError):
            os.unlink(target.parent / name)


def _prepare(target: Path) -> str:
    """Create the parent directory and an empty temporary file next to `target`; returns its path."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise HNLInputError(f"output {target} is a directory")
        _sweep_stale(target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    except (FileExistsError, NotADirectoryError):
        raise HNLInputError(f"output {target}: a parent of this path is a file, not a directory") from None
    except PermissionError:
        raise HNLInputError(f"output {target}: directory {target.parent} is not writable") from None
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES):
            raise HNLInputError(f"output {target}: directory {target.parent} is not writable") from None
        raise
    os.close(fd)
    _LIVE_TEMPS.add(tmp)
    return tmp


def _discard(tmp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    _LIVE_TEMPS.discard(tmp)


def _commit(tmp: str, target: Path) -> None:
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual permissions
    os.replace(tmp, target)
    _LIVE_TEMPS.discard(tmp)


def _finish(tmp: str, target: Path) -> None:
    """Commit now, or queue it if a commit_group is active."""
    pending = getattr(_GROUP, "pending", None)
    if pending is not None:
        pending.append((tmp, target))
    else:
        _commit(tmp, target)


@contextlib.contextmanager
def commit_group() -> Iterator[None]:
    """All atomic writes inside the block become visible together at its end (module docstring)."""
    if getattr(_GROUP, "pending", None) is not None:  # nested: the outer group commits
        yield
        return
    _GROUP.pending = []
    try:
        yield
    except BaseException:
        for tmp, _ in _GROUP.pending:
            _discard(tmp)
        raise
    else:
        blockable = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
        sigs = {signal.SIGINT, signal.SIGTERM}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs) if blockable else None
        try:
            for tmp, target in _GROUP.pending:
                _commit(tmp, target)
        finally:
            if blockable:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
    finally:
        for tmp, _ in _GROUP.pending:
            if tmp in _LIVE_TEMPS:
                _discard(tmp)
        _GROUP.pending = None


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Context manager yielding a file object; on success the file atomically becomes `path`.

    mode: 'w' (text) or 'wb' (binary). Missing parent directories are created.  A device or
    FIFO is opened and written directly (never replaced)."""
    if mode not in ("w", "wb"):
        raise ValueError("atomic_open mode must be 'w' or 'wb'")
    kwargs = {} if mode == "wb" else {"encoding": encoding, "newline": newline}
    with atomic_path(path) as p, open(p, mode, **kwargs) as fh:
        yield fh
        if p != Path(path):  # a temporary file (a device or FIFO is written directly, not synced)
            fh.flush()
            os.fsync(fh.fileno())


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically; returns the path."""
    with atomic_open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically; returns the path."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Context manager yielding a temporary path next to `path` for writers that need a file
    name (e.g. pyhepmc); on success it atomically becomes `path`, on failure it is removed.
    A device or FIFO target is yielded as is (the writer writes to it directly)."""
    target = Path(path)
    if special_file(target):
        check_output_path(target)
        yield target
        return
    tmp = _prepare(target)
    try:
        yield Path(tmp)
        _finish(tmp, target)
    except BaseException:
        _discard(tmp)
        raise
