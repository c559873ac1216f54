"""The Jinja2 environment the HTML reports are rendered with.

The pages' markup lives in ``footprint/report/templates`` (one template per page, the shared layout, the
macros for tables, cards and figures, and the stylesheet), so a page can be restyled without touching Python.
Autoescape is on: every value a template prints is escaped unless it is :class:`markupsafe.Markup`, which the
library uses only for markup it built itself (the inline SVG charts). jinja2 is imported only when a page is
rendered, so ``import footprint`` does not need it.
"""

from __future__ import annotations

import functools
import html
from typing import TYPE_CHECKING, Any

from .._errors import MissingDependencyError

if TYPE_CHECKING:
    import jinja2

_INSTALL = "pip install 'footprint[report]'"


def _finalize(value: object) -> object:
    """Escape a printed value as :func:`html.escape` does (quotes as ``&quot;`` and ``&#x27;``, the entities
    the pages have always used); markup the library built itself (``__html__``) passes unchanged."""
    from markupsafe import Markup

    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


@functools.cache
def environment() -> jinja2.Environment:
    """The one Environment of the reports: templates from the package, autoescape on, undefined names fail."""
    try:
        import jinja2
    except ImportError as exc:
        raise MissingDependencyError(f"HTML reports need jinja2, which is not installed: {_INSTALL}") from exc
    return jinja2.Environment(
        loader=jinja2.PackageLoader("footprint.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """The template ``name`` rendered with ``context``."""
    return environment().get_template(name).render(**context)
