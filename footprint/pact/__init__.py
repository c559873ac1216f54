"""PACT exchange: footprints written (:func:`to_pact`) and read (:func:`read_pact`, :func:`pact_factors`) in the
WBCSD PACT Technical Specification, 3.0.3 and 2.3.

``_exchange`` holds the specification's data model, the export and the import; ``_rules`` the rules no schema
expresses; ``_decimal`` the decimal strings PACT writes; ``_upstream`` what a footprint carries from the
supplier footprints it uses. Their public names are imported from :mod:`footprint`.
"""
