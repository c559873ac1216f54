"""Renamed arguments: the old name keeps working for a release, with a warning that names the new one."""

from __future__ import annotations

import warnings
from typing import TypeVar

from ._errors import UsageError

__all__ = ["REMOVED_IN", "renamed_argument"]

#: The release in which the deprecated spellings go.
REMOVED_IN = "0.3.0"

T = TypeVar("T")


def renamed_argument(
    where: str, old: str, new: str, old_value: T | None, new_value: T | None, *, frames: int = 1
) -> T | None:
    """The argument given under ``new``, or under its deprecated name ``old`` with a
    :class:`DeprecationWarning` that points at the line calling ``where``; both at once is a :class:`UsageError`.
    ``frames``: the frames between ``where``'s body and its caller (2 under a decorator such as
    ``np.errstate``)."""
    if old_value is None:
        return new_value
    if new_value is not None:
        raise UsageError(f"{where}: give {new}= only ({old}= is its deprecated name)")
    warnings.warn(
        f"{where}({old}=...) is deprecated and will be removed in footprint {REMOVED_IN}; use {where}({new}=...)",
        DeprecationWarning,
        stacklevel=2 + frames,
    )
    return old_value
