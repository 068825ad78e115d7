"""Proto JSON durations (`"10s"`, `"0.500s"`) to and from seconds."""

from __future__ import annotations

import math


def format_duration(seconds: float) -> str:
    """Seconds as a proto JSON Duration string: `1` → `"1s"`, `0.5` → `"0.500s"`."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"a duration must be a number of seconds, got {seconds!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be a non-negative number of seconds, got {seconds!r}")
    nanos = round(seconds * 1_000_000_000)
    whole, frac = divmod(nanos, 1_000_000_000)
    if frac == 0:
        return f"{whole}s"
    for digits in (3, 6, 9):
        scale = 10 ** (9 - digits)
        if frac % scale == 0:
            return f"{whole}.{frac // scale:0{digits}d}s"
    raise AssertionError("unreachable")  # pragma: no cover


def parse_duration(value: object, default: float) -> float:
    """A proto JSON Duration (`"10s"`, `"0.5s"`) in seconds; `default` when absent or malformed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.endswith("s"):
        try:
            return float(value[:-1])
        except ValueError:
            return default
    return default
