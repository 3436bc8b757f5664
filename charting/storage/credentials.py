"""Injector PINs and passphrases, kept only as salted scrypt hashes (``hashlib.scrypt``, the standard library's).

A stored hash reads ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`` so that its cost can be raised later without
invalidating the PINs already set.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PIN_LENGTH = 4
"""The shortest PIN accepted: four digits, as a card PIN (a passphrase may be as long as wanted)."""
SCHEME = "scrypt"
WRONG_PINS_BEFORE_PAUSE = 5
"""Wrong PINs for one profile (at signing, an addendum, an approval, the lock, a PIN change) within
``WRONG_PIN_WINDOW`` after which that profile's PIN is not checked again until ``WRONG_PIN_PAUSE`` has passed."""
WRONG_PIN_WINDOW = timedelta(minutes=5)
"""The span within which ``WRONG_PINS_BEFORE_PAUSE`` wrong PINs start a pause."""
WRONG_PIN_PAUSE = timedelta(seconds=30)
"""How long after the latest of those wrong PINs no PIN of the profile is taken (not even the right one)."""


def pin_problem(pin: str) -> str | None:
    """Why a PIN cannot be used (a sentence), or None."""
    if len(pin) < MIN_PIN_LENGTH:
        return f"A PIN needs at least {MIN_PIN_LENGTH} characters; choose a longer one."
    if pin != pin.strip():
        return "A PIN cannot start or end with a space; type it again."
    return None


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES, maxmem=2**26)


def hash_pin(pin: str) -> str:
    """A new salted hash of the PIN, for storage."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """True when the PIN is the one the stored hash was made from (compared in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        computed = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, bytes.fromhex(digest))


def pin_pause_left(wrong_pins: Sequence[datetime], now: datetime) -> int:
    """Whole seconds (rounded up) until a profile's PIN is taken again, given the times of its latest wrong PINs
    (newest first, at most ``WRONG_PINS_BEFORE_PAUSE``); 0 when it is taken now.

    A pause follows ``WRONG_PINS_BEFORE_PAUSE`` wrong PINs within ``WRONG_PIN_WINDOW``, and lasts until
    ``WRONG_PIN_PAUSE`` after the latest of them; another wrong PIN while earlier ones are still within the window
    starts another pause. A wrong PIN dated after ``now`` (typed before the clock was set back) counts as typed now:
    setting the clock back never lifts a pause nor gives extra tries, and the time left never exceeds
    ``WRONG_PIN_PAUSE``; such a pause ends ``WRONG_PIN_PAUSE`` after the clock reaches that wrong PIN's time again.
    """
    counted = sorted((min(at, now) for at in wrong_pins), reverse=True)
    if len(counted) < WRONG_PINS_BEFORE_PAUSE:
        return 0
    latest, earliest = counted[0], counted[WRONG_PINS_BEFORE_PAUSE - 1]
    if latest - earliest > WRONG_PIN_WINDOW:
        return 0
    return max(0, math.ceil((latest + WRONG_PIN_PAUSE - now).total_seconds()))
