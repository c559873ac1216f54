"""The Literal types of footprint's public API, in one place for annotations in user code::

gwp: fp.GWPSetName = "AR6"
policy: fp.PrefoldedPolicy = "report"
module: fp.Module = "A3"
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TypeAlias

from ._factors import Boundary, Category, PrefoldedPolicy
from ._gwp import GWPSetName
from ._modules import Module

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Boundary", "Category", "GWPSetName", "Module", "PrefoldedPolicy", "TableSource"]

#: A table given as a DataFrame or as a CSV or Parquet file.
TableSource: TypeAlias = "pd.DataFrame | str | os.PathLike[str]"
