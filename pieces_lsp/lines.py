"""Offsets <-> line numbers for texts scanned by offset (secrets, suggestions)."""

from __future__ import annotations

import bisect


def line_starts(text: str) -> list[int]:
    """The offset at which each line begins (line 0 at offset 0)."""
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def line_of(starts: list[int], offset: int) -> int:
    """The 0-based line holding `offset`."""
    return bisect.bisect_right(starts, offset) - 1
