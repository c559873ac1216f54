"""PACT exchange: footprints written (:func:`to_pact`) and read (:func:`read_pact`, :func:`pact_factors`) in the
WBCSD PACT Technical Specification, 3.0.3 and 2.3.

``_exchange`` holds the specification's data model, the export and the import; ``_rules`` the rules no schema
expresses; ``_decimal`` the decimal strings PACT writes; ``_upstream`` what a footprint carries from the
supplier footprints it uses. The names are re-exported by :mod:`footprint`.
"""

from __future__ import annotations

from ._exchange import pact_factors, read_pact, to_pact

__all__ = ["pact_factors", "read_pact", "to_pact"]
