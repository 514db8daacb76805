"""A filter's document numbers, shared by every retriever of one search.

`SnippetIndex.allowed` returns one of these: each retriever needs the numbers as a numpy array
or a boolean mask (to filter whole posting lists or similarity scores at once), and a language
filter at 100k snippets can hold all of them, so the conversion is done once per search, not
once per retriever.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import numpy as np


class DocSet(set[int]):
    """A `set` of document numbers that also keeps its sorted array and masks once built.
    Never changed after it is made (the cached forms would go stale)."""

    _array: np.ndarray | None = None
    _mask: np.ndarray | None = None

    def array(self) -> np.ndarray:
        if self._array is None:
            got = np.fromiter(self, dtype=np.intp, count=len(self))
            got.sort()
            self._array = got
        return self._array

    def mask(self, size: int) -> np.ndarray:
        if self._mask is None or len(self._mask) != size:
            nums = self.array()
            mask = np.zeros(size, dtype=bool)
            mask[nums[(nums >= 0) & (nums < size)]] = True
            self._mask = mask
        return self._mask


def as_array(allowed: AbstractSet[int]) -> np.ndarray:
    """The numbers, ascending."""
    if isinstance(allowed, DocSet):
        return allowed.array()
    got = np.fromiter(allowed, dtype=np.intp, count=len(allowed))
    got.sort()
    return got


def allowed_mask(allowed: AbstractSet[int] | None, size: int) -> np.ndarray | None:
    """The filter as a boolean array over document numbers below `size` (None: no filter)."""
    if allowed is None:
        return None
    if isinstance(allowed, DocSet):
        return allowed.mask(size)
    nums = as_array(allowed)
    mask = np.zeros(size, dtype=bool)
    mask[nums[(nums >= 0) & (nums < size)]] = True
    return mask
