"""Reports: charts, the HTML and Excel reports of a footprint and of supplier footprints, and the notebook
views of results.

``_pages`` builds the charts and reports; ``_display`` the short ``repr`` and ``_repr_html_`` of results;
``_formula`` keeps text a spreadsheet would run as a formula inert. Their public names are imported from
:mod:`footprint`.
"""
