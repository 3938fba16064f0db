"""Every file and folder perr writes: atomically, with the permissions the user's umask gives.

Three guarantees, whatever the command (build, query, validate, compare, report, synth, export):

* **Never a half-written file.** A file is written to an anonymous or temporary file in the same folder, synced,
  and renamed into place (:func:`atomic_file`, :func:`write_atomic`).
* **A set of files is replaced together** (:func:`write_set`, used by ``perr build`` for ``perr.trig`` and
  ``perr.nq``): the new files are written in full first, then a journal naming the renames is written, then the
  renames run, then the journal goes. A process killed before the journal exists leaves the old set; killed after,
  the next :func:`recover` of the folder (every reader of the dataset runs it) finishes the renames, so the new set
  is complete. On Linux the contents are written to anonymous files (``O_TMPFILE``) linked into the folder only
  once complete, so a process killed while writing leaves no temporary file behind.
* **Shareable permissions.** A new file gets ``0666 & ~umask`` (0644 under the usual umask 022), as ``open()``
  would give it, not the 0600 of :func:`tempfile.mkstemp`; a replaced file keeps its mode. A folder swapped into
  place (:func:`atomic_folder`) gets ``0777 & ~umask``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

#: the journal :func:`write_set` leaves while it renames a set into place
JOURNAL = ".perr-set.journal"

_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read without changing it where the platform allows (Linux ``/proc``)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:  # elsewhere: set and restore it, one thread at a time
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def file_mode(path: Path) -> int:
    """The mode a file written at ``path`` should get: the mode of the file it replaces, else ``0666 & ~umask``."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~umask()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write that appears at ``path`` only once it is complete (a temporary file in the same
    folder, synced and renamed into place; removed if anything goes wrong), with :func:`file_mode`'s mode."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, chunks: Iterable[str | bytes]) -> None:
    """Write text (or bytes) to ``path`` through :func:`atomic_file` (never a half-written file)."""
    with atomic_file(path) as f:
        for chunk in chunks:
            f.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def _write_anonymous(folder: Path, name: str, chunks: Iterable[str | bytes], mode: int) -> Path:
    """Write ``chunks`` to a complete, synced file in ``folder`` and return its temporary name. On Linux the file
    has no name until it is complete (``O_TMPFILE``, then linked), so a kill while writing leaves nothing."""
    tmp = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.new"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    flag = getattr(os, "O_TMPFILE", 0)
    fd = -1
    if flag:
        with contextlib.suppress(OSError):
            fd = os.open(folder, flag | os.O_WRONLY, mode)
    anonymous = fd >= 0
    if not anonymous:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb", closefd=False) as f:
            for chunk in chunks:
                f.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            f.flush()
            os.fsync(f.fileno())
        if anonymous:
            # linkat(…, AT_SYMLINK_FOLLOW) gives the anonymous file its name; os.link only calls linkat (rather
            # than link, which would refuse the /proc link) when a directory fd is passed
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.link(f"/proc/self/fd/{fd}", tmp.name, dst_dir_fd=dir_fd, follow_symlinks=True)
            finally:
                os.close(dir_fd)
    except BaseException:
        if not anonymous:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    finally:
        os.close(fd)
    return tmp


def write_set(folder: Path, files: Mapping[str, Iterable[str | bytes]]) -> list[Path]:
    """Replace the files ``files`` (name → content chunks) in ``folder`` together: afterwards the folder holds
    either the whole old set or the whole new one, after a kill included (see the module docstring). Returns the
    paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    recover(folder)
    written: dict[str, Path] = {}
    try:
        for name, chunks in files.items():
            written[name] = _write_anonymous(folder, name, chunks, file_mode(folder / name))
        journal = [[tmp.name, name] for name, tmp in written.items()]
        write_atomic(folder / JOURNAL, [json.dumps(journal)])
    except BaseException:
        for tmp in written.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    _fsync_dir(folder)
    recover(folder)
    return [folder / name for name in files]


def recover(folder: Path) -> None:
    """Finish what a killed :func:`write_set` started in ``folder``: with a journal, rename every temporary file
    it names that still exists into place (the new set was complete before the journal was written), then drop
    the journal; without one, remove the temporary files of a set that never reached its journal."""
    folder = Path(folder)
    journal = folder / JOURNAL
    try:
        renames = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        renames = None
    except (OSError, ValueError):
        renames = []  # a journal cut short cannot exist (it is written atomically); ignore an unreadable one
    if renames is not None:
        for tmp, name in renames:
            if "/" in tmp or "/" in name or not tmp.endswith(".new"):
                continue
            with contextlib.suppress(FileNotFoundError):
                os.replace(folder / tmp, folder / name)
        _fsync_dir(folder)
        with contextlib.suppress(FileNotFoundError):
            journal.unlink()
    with contextlib.suppress(OSError):
        for stray in folder.glob(".*.new"):
            if stray.is_file():
                stray.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def recover_folder(target: Path) -> None:
    """Finish or undo the swap of a process that was killed while :func:`atomic_folder` replaced ``target``:
    killed between its two renames (``target`` gone, the old folder aside), the complete new folder is put in
    place; then the leftovers of dead processes (a new folder half-filled, an old folder set aside) are removed.
    The folders of a process still running are left alone."""
    target = Path(target)
    parent, name = target.parent, target.name
    if not parent.is_dir():
        return
    leftovers: dict[int, list[Path]] = {}
    for p in parent.iterdir():
        parts = p.name.split(".")  # .<name>.<pid>.old, .<name>.<pid>.<random>.new
        if p.name.startswith(f".{name}.") and parts[-1] in ("old", "new") and len(parts) >= 4:
            pid = parts[len(name.split(".")) + 1]
            if pid.isdigit() and not _alive(int(pid)):
                leftovers.setdefault(int(pid), []).append(p)
    for _pid, paths in sorted(leftovers.items()):
        old = [p for p in paths if p.name.endswith(".old")]
        new = [p for p in paths if p.name.endswith(".new")]
        if not target.exists() and old:  # killed between the two renames: the new folder was complete
            os.replace(new[0] if new else old[0], target)
        for p in paths:
            if p.exists():
                shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """A new folder to fill that replaces ``target`` as a whole once the block ends without error (made beside
    it, then swapped in: the old folder is renamed aside and removed). If the block fails, ``target`` is left as
    it was and the new folder is removed; a process killed on the way leaves what :func:`recover_folder` (run
    first, every time) turns back into the old folder or the new one."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_folder(target)
    pid = os.getpid()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{pid}.", suffix=".new", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~umask())
        yield tmp
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.{pid}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
