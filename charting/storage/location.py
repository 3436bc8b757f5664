"""Where a database may live: never on a network share, where SQLite's file locking cannot be trusted.

SQLite's documentation warns that the locks of network filesystems (NFS, SMB/CIFS and the like) are broken or
missing, so two workstations writing one file can corrupt it. A database on one is refused with the reason.
"""

from __future__ import annotations

import ctypes
import re
import sys
from pathlib import Path, PurePath, PureWindowsPath

NETWORK_FILESYSTEMS = frozenset(
    {
        "9p",
        "afs",
        "ceph",
        "cifs",
        "coda",
        "davfs",
        "fuse.davfs2",
        "fuse.gvfsd-fuse",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.sshfs",
        "glusterfs",
        "gpfs",
        "lustre",
        "ncpfs",
        "nfs",
        "nfs4",
        "smb3",
        "smbfs",
        "sshfs",
    }
)
"""Filesystem types (as Linux names them in /proc/mounts) whose locking SQLite cannot rely on."""
MOUNTS_FILE = Path("/proc/mounts")
WINDOWS_DRIVE_REMOTE = 4
"""``GetDriveTypeW``'s answer for a mapped network drive."""


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040 (and tab, newline, backslash likewise in octal)."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)


def filesystem_type(path: PurePath, mounts: str) -> str:
    """The type of the filesystem holding ``path`` (absolute), from the text of /proc/mounts: the longest mount point
    that contains it."""
    best, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = _unescape(fields[1])
        inside = str(path) == mount_point or str(path).startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, kind = mount_point, fields[2]
    return kind


def _windows_drive_is_remote(drive: str) -> bool:
    windll = getattr(ctypes, "windll", None)
    if windll is None or not drive:
        return False
    return bool(windll.kernel32.GetDriveTypeW(drive + "\\") == WINDOWS_DRIVE_REMOTE)


def network_share_reason(path: Path, *, platform: str = sys.platform, mounts: str | None = None) -> str | None:
    """Why ``path`` is on a network share (a sentence naming the share type), or None when it is local or unknown."""
    if platform == "win32":
        windows = PureWindowsPath(str(path))
        if str(windows).startswith(("\\\\", "//")):
            return "a network share (a \\\\server\\share path)"
        return "a mapped network drive" if _windows_drive_is_remote(windows.drive) else None
    if mounts is None:
        try:
            mounts = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None  # not Linux (macOS has no /proc): nothing to read the filesystem type from
    kind = filesystem_type(Path(path).expanduser().resolve(), mounts)
    return f"a network filesystem ({kind})" if kind in NETWORK_FILESYSTEMS else None
