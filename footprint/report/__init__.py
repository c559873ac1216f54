"""Reports: charts, the HTML and Excel reports of a footprint and of supplier footprints, and the notebook
views of results.

``_pages`` builds the charts and reports (the HTML pages from the Jinja2 templates in ``templates/``, loaded
by ``_templates``); ``_display`` the short ``repr`` and ``_repr_html_`` of results;
``_formula`` keeps text a spreadsheet would run as a formula inert. Their public names are imported from
:mod:`footprint`.
"""
