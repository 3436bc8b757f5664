"""Where a database may live: never on a network share, where SQLite's file locking cannot be trusted.

SQLite's documentation warns that the locks of network filesystems (NFS, SMB/CIFS and the like) are broken or
missing, so two workstations writing one file can corrupt it. A database on one is refused with the reason.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path, PurePath, PureWindowsPath

NETWORK_FILESYSTEMS = frozenset(
    {
        "9p",
        "afpfs",
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
        "webdav",
    }
)
"""Filesystem types (as /proc/mounts or macOS's ``mount`` name them) whose locking SQLite cannot rely on."""
MOUNTS_FILE = Path("/proc/mounts")
MOUNT_COMMAND = "/sbin/mount"
"""Lists the mounts where there is no /proc (macOS)."""
WINDOWS_DRIVE_REMOTE = 4
"""``GetDriveTypeW``'s answer for a mapped network drive."""


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040 (and tab, newline, backslash likewise in octal)."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)


def proc_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) of each line of Linux's /proc/mounts."""
    return [
        (_unescape(fields[1]), fields[2]) for fields in (line.split() for line in text.splitlines()) if len(fields) >= 3
    ]


MOUNT_LINE = re.compile(r"^.+? on (?P<point>/.*?) \((?P<kind>[^,)]+)")
"""A line of macOS's ``mount``: ``//me@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by me)``."""


def mount_command_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) of each line printed by macOS's (or BSD's) ``mount``."""
    return [(match["point"], match["kind"]) for match in map(MOUNT_LINE.match, text.splitlines()) if match]


def filesystem_type(path: PurePath, mounts: list[tuple[str, str]]) -> str:
    """The type of the filesystem holding ``path`` (absolute): that of the longest mount point containing it."""
    best, kind = "", ""
    for mount_point, mount_kind in mounts:
        inside = str(path) == mount_point or str(path).startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, kind = mount_point, mount_kind
    return kind


def _current_mounts() -> list[tuple[str, str]]:
    """The mounts of this machine: /proc/mounts on Linux, the ``mount`` command elsewhere; [] when neither answers."""
    try:
        return proc_mounts(MOUNTS_FILE.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        pass
    import subprocess  # only where /proc is missing (macOS, the BSDs): not on every start-up's path

    try:
        listing = subprocess.run([MOUNT_COMMAND], capture_output=True, text=True, timeout=2, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return mount_command_mounts(listing)


def _windows_drive_is_remote(drive: str) -> bool:
    import ctypes  # only on Windows: not on every start-up's path

    windll = getattr(ctypes, "windll", None)
    if windll is None or not drive:
        return False
    return bool(windll.kernel32.GetDriveTypeW(drive + "\\") == WINDOWS_DRIVE_REMOTE)


def network_share_reason(
    path: Path, *, platform: str = sys.platform, mounts: list[tuple[str, str]] | None = None
) -> str | None:
    """Why ``path`` is on a network share (a sentence naming the share type), or None when it is local or unknown."""
    if platform == "win32":
        windows = PureWindowsPath(str(path))
        if str(windows).startswith(("\\\\", "//")):
            return "a network share (a \\\\server\\share path)"
        return "a mapped network drive" if _windows_drive_is_remote(windows.drive) else None
    kind = filesystem_type(Path(path).expanduser().resolve(), _current_mounts() if mounts is None else mounts)
    return f"a network filesystem ({kind})" if kind in NETWORK_FILESYSTEMS else None
