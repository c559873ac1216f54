"""Command-line options shared by several commands, declared once: the policy for pre-folded factors and the
PACT options of ``export --to pact`` that ``publish`` takes too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar

import click

from ._prefolded import DEFAULT_PREFOLDED

__all__ = ["PACT_OPTION_NAMES", "PREFOLDED_OPT", "pact_options"]

F = TypeVar("F", bound=Callable[..., Any])

PREFOLDED_OPT = click.option(
    "--prefolded",
    type=click.Choice(["error", "report"]),
    default=DEFAULT_PREFOLDED,
    show_default=True,
    help="Factors their source gave as CO2e under another GWP set: use them unchanged and list them (report), "
    "or refuse them (error).",
)

#: The PACT options, in the order ``--help`` lists them: (flags, parameter name, click keywords).
_PACT: list[tuple[tuple[str, ...], str, dict[str, Any]]] = [
    (("--company-name",), "company_name", {"help": "PACT: the reporting company's name."}),
    (("--company-id",), "company_ids", {"multiple": True,
     "help": "PACT: company id (URN, or text for the urn:pact: scheme). Repeatable."}),
    (("--product-id",), "product_ids", {"multiple": True,
     "help": "PACT: product id (URN, or text). Default: the product file's id."}),
    (("--company-domain",), "company_domain", {"help": "PACT: the company's domain, for urn:pact: ids built from plain text ids."}),
    (("--cpc",), "cpc", {"help": "PACT: UN CPC product category code."}),
    (("--period",), "period", {"nargs": 2, "type": click.DateTime(formats=["%Y-%m-%d"]),
     "help": "PACT: reference period START END (YYYY-MM-DD); default: the product's."}),
    (("--geography",), "geography", {"help": "PACT: NO, US-TX, a UN region or GLO; default: the product's region."}),
    (("--fossil-carbon-content",), "fossil_c", {"type": float, "help": "PACT: kg fossil carbon per declared unit (required)."}),
    (("--biogenic-carbon-content",), "biogenic_c", {"type": float,
     "help": "PACT: kg biogenic carbon per declared unit (required by 2.3)."}),
    (("--product-mass",), "product_mass", {"type": float,
     "help": "PACT: kg of product per declared unit (default: the BOM's mass)."}),
    (("--biogenic-uptake",), "biogenic_uptake", {"type": float,
     "help": "PACT: biogenic CO2 uptake, kg CO2e per declared unit (<= 0)."}),
    (("--dluc",), "dluc", {"type": float, "help": "PACT 2.3 from 2025: land use change emissions, kg CO2e per declared unit."}),
    (("--land-management",), "land_management", {"type": float,
     "help": "PACT 2.3 from 2025: land management emissions, kg CO2e per declared unit."}),
    (("--biogenic-methodology",), "biogenic_methodology", {"type": click.Choice(["PEF", "ISO", "GHGP", "Quantis"]),
     "help": "PACT 2.3 from 2025."}),
    (("--completeness-dqr",), "completeness_dqr", {"type": float, "help": "PACT 2.3 from 2025: completeness rating, 1-3."}),
    (("--reliability-dqr",), "reliability_dqr", {"type": float, "help": "PACT 2.3 from 2025: reliability rating, 1-3."}),
]  # fmt: skip

#: The parameter names the PACT options fill.
PACT_OPTION_NAMES = tuple(name for _flags, name, _kw in _PACT)

#: The keyword of :func:`footprint.to_pact` each option sets (company name and ids, period, geography and
#: product ids are taken by the commands themselves).
_TO_PACT = {
    "company_domain": "company_domain", "cpc": "product_category_cpc", "fossil_c": "fossil_carbon_content",
    "biogenic_c": "biogenic_carbon_content", "product_mass": "product_mass_per_declared_unit",
    "biogenic_uptake": "biogenic_co2_uptake", "dluc": "land_use_change_emissions",
    "land_management": "land_management_emissions", "biogenic_methodology": "biogenic_accounting_methodology",
    "completeness_dqr": "dqi_completeness", "reliability_dqr": "dqi_reliability",
}  # fmt: skip


def pact_options(func: F) -> F:
    """The PACT options of ``export``, given to ``func`` as one keyword, ``pact``: a dict with
    ``company_name``, ``company_ids``, ``product_ids``, ``period`` (two dates or None), ``geography`` and
    ``to_pact`` (the further keyword arguments of :func:`footprint.to_pact`)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in PACT_OPTION_NAMES}
        period: tuple[datetime, datetime] | None = given["period"]
        dates: tuple[date, date] | None = (period[0].date(), period[1].date()) if period else None
        kwargs["pact"] = {
            "company_name": given["company_name"], "company_ids": list(given["company_ids"]),
            "product_ids": list(given["product_ids"]) or None, "period": dates, "geography": given["geography"],
            "to_pact": {keyword: given[name] for name, keyword in _TO_PACT.items()},
        }  # fmt: skip
        return func(*args, **kwargs)

    decorated: Any = wrapper
    for flags, name, keywords in reversed(_PACT):
        decorated = click.option(*flags, name, **keywords)(decorated)
    return decorated  # type: ignore[no-any-return]
