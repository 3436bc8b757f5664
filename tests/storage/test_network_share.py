"""A database on a network share is refused with the reason: SQLite's locking is not safe there."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from charting.storage import StorageError, open_database
from charting.storage.location import filesystem_type, mount_command_mounts, network_share_reason, proc_mounts

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/clinic nfs4 rw,relatime 0 0
//nas/share /mnt/nas\\040drive cifs rw 0 0
/dev/sdb1 /mnt/clinic/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/home/dr/charting.db", "ext4"),
        ("/mnt/clinic/charting.db", "nfs4"),
        ("/mnt/clinic", "nfs4"),
        ("/mnt/clinicx/charting.db", "ext4"),
        ("/mnt/nas drive/charting.db", "cifs"),
        ("/mnt/clinic/local/charting.db", "ext4"),
    ],
)
def test_the_filesystem_is_the_longest_mount_point_holding_the_path(path: str, kind: str) -> None:
    assert filesystem_type(PurePosixPath(path), proc_mounts(MOUNTS)) == kind


def test_linux_shares_are_named_and_local_disks_pass() -> None:
    assert network_share_reason(Path("/mnt/clinic/charting.db"), platform="linux", mounts=proc_mounts(MOUNTS)) == (
        "a network filesystem (nfs4)"
    )
    assert network_share_reason(Path("/mnt/nas drive/c.db"), platform="linux", mounts=proc_mounts(MOUNTS)) == (
        "a network filesystem (cifs)"
    )
    assert network_share_reason(Path("/mnt/clinic/local/c.db"), platform="linux", mounts=proc_mounts(MOUNTS)) is None


def test_a_windows_unc_path_is_a_share() -> None:
    assert network_share_reason(Path("//server/share/charting.db"), platform="win32") is not None


def test_open_database_refuses_a_share_before_touching_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    mounts = f"/dev/sda1 / ext4 rw 0 0\nserver:/x {share.resolve()} nfs rw 0 0\n"
    monkeypatch.setattr("charting.storage.location.MOUNTS_FILE", tmp_path / "mounts")
    (tmp_path / "mounts").write_text(mounts, encoding="utf-8")
    with pytest.raises(StorageError, match=r"network filesystem \(nfs\).*own disk"):
        open_database(share / "charting.db")
    assert not share.exists()
    open_database(tmp_path / "local" / "charting.db").close()


MAC_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)
//anna@nas.local/Clinic on /Volumes/Clinic (smbfs, nodev, nosuid, mounted by anna)
nas.local:/export on /Volumes/NFS Share (nfs, asynchronous)
"""


def test_macos_shares_are_read_from_the_mount_command() -> None:
    mounts = mount_command_mounts(MAC_MOUNT)
    assert ("/Volumes/NFS Share", "nfs") in mounts
    assert network_share_reason(Path("/Volumes/Clinic/charting.db"), platform="darwin", mounts=mounts) == (
        "a network filesystem (smbfs)"
    )
    assert network_share_reason(Path("/Volumes/NFS Share/c.db"), platform="darwin", mounts=mounts) is not None
    assert network_share_reason(Path("/Users/anna/charting.db"), platform="darwin", mounts=mounts) is None
