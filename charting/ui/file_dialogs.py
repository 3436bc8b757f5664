"""Save dialogs that never open the files they list.

A file dialog that shows the database's folder reads the first bytes of ``charting.db``, ``-wal`` and ``-shm`` to
pick their icons and types. Closing those reads drops every POSIX lock this process holds on the files (locks
belong to the process, not to the descriptor), so another charting process could take itself for the last user
and delete the write-ahead log the window is still writing to. These dialogs name icons and types from the file
name alone, and use Qt's own dialog, whose listing this module controls.
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and types from the name and kind of an entry, never from its contents."""

    def icon(self, info: QAbstractFileIconProvider.IconType | QFileInfo) -> QIcon:
        """A folder or a plain file icon."""
        if isinstance(info, QFileInfo):
            kind = (
                QAbstractFileIconProvider.IconType.Folder if info.isDir() else QAbstractFileIconProvider.IconType.File
            )
            return super().icon(kind)
        return super().icon(info)

    def type(self, info: QFileInfo) -> str:
        """'Folder', or the name's suffix ('PDF file'), without reading the file."""
        if info.isDir():
            return "Folder"
        suffix = info.suffix().upper()
        return f"{suffix} file" if suffix else "File"


def save_dialog(parent: QWidget, caption: str, suggested: str, name_filter: str) -> QFileDialog:
    """A save dialog on ``suggested`` (a path) that lists files without opening them."""
    dialog = QFileDialog(parent, caption, suggested, name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setIconProvider(NameOnlyIconProvider())
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(suggested)
    return dialog


def save_file_name(parent: QWidget, caption: str, suggested: str, name_filter: str) -> str:
    """Ask where to save; the chosen path, or "" when cancelled (an existing file is confirmed before it is chosen)."""
    dialog = save_dialog(parent, caption, suggested, name_filter)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]
