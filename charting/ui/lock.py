"""The idle lock: after some minutes without a key or a click, the window hides every patient's data until a
profile's PIN is typed. Nothing is lost: each mark was saved when it was made, and open dialogs come back as they were.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from charting.domain.people import Injector
from charting.storage import Repository, StorageError
from charting.storage.repository import PinRefusedError
from charting.ui.forms import ErrorLabel

IDLE_LOCK_SETTING = "idle_lock_minutes"
"""The settings key of the minutes without input before the window locks (0: never)."""
DEFAULT_IDLE_LOCK_MINUTES = 5
MAX_IDLE_LOCK_MINUTES = 240
MS_PER_MINUTE = 60_000
MS_PER_SECOND = 1000
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
"""What counts as someone at the keyboard."""


def idle_lock_minutes(stored: str | None) -> int:
    """The minutes of the stored setting (the default when unset or unreadable), within 0 and the maximum."""
    try:
        minutes = int(stored) if stored is not None else DEFAULT_IDLE_LOCK_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_LOCK_MINUTES
    return max(0, min(MAX_IDLE_LOCK_MINUTES, minutes))


class IdleWatcher(QObject):
    """Emits ``idle`` once the application has had no key press, click or pointer move for the given time.

    The wait starts at once; the input filter that starts it again goes on at once too, unless ``watch_input`` is
    False: then ``watch_input()`` puts it on later (the window does once its first frame is painted).
    """

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None, *, watch_input: bool = True) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_interval(interval_ms)
        if watch_input:
            self.watch_input()

    def watch_input(self) -> None:
        """See every input event of the application from now on (a second call changes nothing)."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_interval(self, interval_ms: int) -> None:
        """Lock after this many milliseconds without input; 0 never locks."""
        self.timer.stop()
        self.timer.setInterval(interval_ms)
        if interval_ms > 0:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Any input starts the wait again (the event goes on as usual)."""
        if event.type() in INPUT_EVENTS and self.timer.interval() > 0:
            self.timer.start()
        return False


class LockPage(QWidget):
    """What the locked window shows: no patient, only who may unlock it and their PIN."""

    unlock_requested = Signal(object, str)
    """(the injector profile chosen, the PIN typed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profiles: list[Injector] = []
        title = QLabel("charting is locked")
        big = QFont(title.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        title.setFont(big)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel("Patient data is hidden. Choose your profile and type your PIN to continue.")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.profile = QComboBox()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("PIN")
        self.pin.returnPressed.connect(self._request)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.clicked.connect(self._request)
        self.error = ErrorLabel()
        self.pause = QTimer(self)
        """Runs while the records take no PIN of the profile after too many wrong ones (as long as they say)."""
        self.pause.setSingleShot(True)
        self.pause.timeout.connect(self._resume)
        row = QHBoxLayout()
        row.addStretch(1)
        for widget in (self.profile, self.pin, self.unlock_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(row)
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.error)
        layout.addStretch(2)

    def show_profiles(self, profiles: list[Injector], preferred: str = "") -> None:
        """Offer these profiles (those with a PIN), the one named ``preferred`` first chosen."""
        self.profiles = profiles
        self.profile.clear()
        self.profile.addItems([profile.display_name for profile in profiles])
        names = [profile.display_name for profile in profiles]
        self.profile.setCurrentIndex(names.index(preferred) if preferred in names else 0)
        self.pin.clear()
        if not self.pause.isActive():
            self.error.show_error("")
        self.pin.setFocus()

    def check(self, repo: Repository, profile: Injector, pin: str) -> bool:
        """Whether the profile's PIN unlocks, by the records' one rule for PINs (``Repository.check_pin``: a wrong one
        is audited, and too many pause the profile's PIN); otherwise the page says why and takes it again."""
        try:
            repo.check_pin(int(profile.id or 0), pin, "unlock")
        except PinRefusedError as refusal:
            self.refuse(str(refusal), refusal.seconds_left)
            return False
        except StorageError as error:
            self.pin.clear()
            self.error.show_error(str(error))
            return False
        return True

    def refuse(self, sentence: str, seconds_left: int = 0) -> None:
        """A PIN not taken: show the records' sentence; during a pause (``seconds_left``) no PIN can be typed."""
        self.pin.clear()
        self.error.show_error(sentence)
        if seconds_left <= 0:
            self.pin.setFocus()
            return
        for widget in (self.pin, self.unlock_button):
            widget.setEnabled(False)
        self.pause.start(seconds_left * MS_PER_SECOND)

    def _resume(self) -> None:
        for widget in (self.pin, self.unlock_button):
            widget.setEnabled(True)
        self.error.show_error("")
        self.pin.setFocus()

    def _request(self) -> None:
        if 0 <= self.profile.currentIndex() < len(self.profiles):
            self.unlock_requested.emit(self.profiles[self.profile.currentIndex()], self.pin.text())
