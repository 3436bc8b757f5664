"""A database on a network share is refused with the reason: SQLite's locking is not safe there."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from charting.storage import StorageError, open_database
from charting.storage.location import filesystem_type, network_share_reason

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
    assert filesystem_type(PurePosixPath(path), MOUNTS) == kind


def test_linux_shares_are_named_and_local_disks_pass() -> None:
    assert network_share_reason(Path("/mnt/clinic/charting.db"), platform="linux", mounts=MOUNTS) == (
        "a network filesystem (nfs4)"
    )
    assert network_share_reason(Path("/mnt/nas drive/c.db"), platform="linux", mounts=MOUNTS) == (
        "a network filesystem (cifs)"
    )
    assert network_share_reason(Path("/mnt/clinic/local/c.db"), platform="linux", mounts=MOUNTS) is None


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
