"""A protocol frozen as canonical JSON and named by its SHA-256, so a signed note prints with the protocol it was
signed under, whatever the protocol file says later.

The JSON is the validated ``Protocol`` value itself (not the file it came from): two files that differ only in key
order or spacing freeze to the same text and hash. The database keeps each distinct text once; a signed session's
context names the hash, inside the session's own content hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields, is_dataclass
from typing import Any, cast, get_args, get_origin, get_type_hints

from charting.domain.protocol import Protocol, ProtocolError


def protocol_json(protocol: Protocol) -> str:
    """The protocol as canonical JSON: sorted keys, no spaces, Unicode as itself."""
    return json.dumps(asdict(protocol), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def protocol_sha256(text: str) -> str:
    """SHA-256 (hex) of a frozen protocol's JSON text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def protocol_from_json(text: str) -> Protocol:
    """The protocol frozen as ``text`` (ProtocolError when it is not one)."""
    try:
        return cast(Protocol, _value(Protocol, json.loads(text)))
    except (ValueError, TypeError, KeyError) as error:
        raise ProtocolError(f"A frozen protocol cannot be read back: {error}.") from error


def _value(kind: Any, data: Any) -> Any:
    """``data`` (parsed JSON) as a value of the annotated type ``kind``: dataclasses, tuples and scalars."""
    if is_dataclass(kind) and isinstance(kind, type):
        hints = get_type_hints(kind)
        return kind(**{f.name: _value(hints[f.name], data[f.name]) for f in fields(kind) if f.name in data})
    if get_origin(kind) is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], item) for item in data)
        return tuple(_value(arg, item) for arg, item in zip(args, data, strict=True))
    if kind in (str, int, float, bool):
        if isinstance(data, (dict, list)) or data is None:
            raise TypeError(f"expected {kind.__name__}, found {type(data).__name__}")
        return kind(data)
    raise TypeError(f"no reader for {kind!r}")
