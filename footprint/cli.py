"""The ``footprint`` command line.

Exit codes: 0 success; 1 bad input (the report lists every problem: file, row, field, expectation);
2 a command used wrongly (unknown option, missing argument).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from ._cli_options import PREFOLDED_OPT, pact_options
from ._errors import FootprintError, InputError, Problem, ProductError
from ._gwp import DEFAULT_GWP_SET, gwp_set, gwp_sets, load_gwp_set
from ._limits import Limits, use_decimal, use_limits
from ._modules import MODULE_NAMES
from .report._formula import csv_text

if TYPE_CHECKING:
    from ._catalogue import CatalogueResult
    from ._factors import FactorLibrary, PrefoldedPolicy
    from ._result import FootprintResult

__all__ = ["main", "run"]

EXIT_INPUT = 1
F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(func: F) -> F:
    """Turn footprint's errors into a report and exit code 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FootprintError as exc:
            fmt = kwargs.get("fmt")
            if fmt == "json":
                problems = exc.to_records() if isinstance(exc, InputError) else [{"message": str(exc)}]
                click.echo(json.dumps({"error": type(exc).__name__, "problems": problems}, indent=2))
            else:
                click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper  # type: ignore[return-value]


def _library(factors: Sequence[str], no_defaults: bool) -> FactorLibrary:
    from ._factor_io import default_library, load_factors

    if not factors:
        return default_library()
    own = load_factors(*factors)
    return own if no_defaults else own.merge(default_library())


def _fmt_kg(x: float) -> str:
    return f"{x:,.1f}"


def _table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...], right: set[int]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, tuple("-" * w for w in widths), *rows]:
        cells = [
            str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render_result(result: FootprintResult, top: int = 10) -> str:
    """A result as text tables: totals, modules, largest contributions."""
    out = [
        f"{result.product_name or result.product_id}  ({result.declared_unit}, {result.gwp_set})",
        "",
        f"  Cradle to grave (A1-C4)   {_fmt_kg(result.total_kgco2e):>14} kg CO2e",
        f"  Cradle to gate (A1-A3)    {_fmt_kg(result.cradle_to_gate_kgco2e):>14} kg CO2e",
        f"  Module D (reported apart) {_fmt_kg(result.module_d_kgco2e):>14} kg CO2e",
        f"  Product mass              {_fmt_kg(result.product_mass_kg):>14} kg"
        + (f"   ({result.per_kg_product_kgco2e:,.2f} kg CO2e per kg)" if result.per_kg_product_kgco2e else ""),
        f"  Primary data share        {result.primary_data_share:>14.1%}",
        "",
    ]
    total = result.total_kgco2e or 1.0
    rows: list[tuple[str, ...]] = [
        (m, MODULE_NAMES[m], _fmt_kg(v), f"{v / total:.1%}" if m != "D" else "") for m, v in result.by_module.items()
    ]
    header: tuple[str, ...] = ("module", "stage", "kg CO2e", "share")
    ind = result.gwp_indicators
    if any(v["GWP-biogenic"] or v["GWP-luluc"] for v in ind.values()):  # EN 15804+A2 split, when it says more
        parts = ("GWP-fossil", "GWP-biogenic", "GWP-luluc")
        rows = [(*r, *(_fmt_kg(ind[r[0]][p]) for p in parts)) for r in rows]
        header = (*header, "fossil", "biogenic", "luluc")
    out.append(_table(rows, header, set(range(2, len(header)))))
    contribs = sorted((c for c in result.contributions if c.module != "D"), key=lambda c: -abs(c.kgco2e))[:top]
    out += ["", f"Largest {len(contribs)} contributions:"]
    crow = [
        (c.module, c.path if "/" in c.path else f"{c.path} (product level)", c.factor_id,
         f"{c.quantity:,.4g} {c.unit}", _fmt_kg(c.kgco2e), c.label)
        for c in contribs
    ]  # fmt: skip
    out.append(_table(crow, ("module", "item", "factor", "quantity", "kg CO2e", "what"), {3, 4}))
    if result.warnings:
        out += ["", "Notes:", *(f"  - {w}" for w in result.warnings)]
    return "\n".join(out)


def result_csv(result: FootprintResult) -> str:
    """The contribution table as CSV (text a spreadsheet would run as a formula neutralised)."""
    return csv_text(result.to_frame(), index=False)


def _limit(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Limits:
    """``NAME=N`` pairs as :class:`Limits` (a usage error, exit 2, for an unknown name or a bad number)."""
    changes: dict[str, int] = {}
    for text in values:
        name, _, value = text.partition("=")
        if name not in Limits.names() or not value.strip().isdigit():
            raise click.BadParameter(f"{text!r}: expected NAME=N with NAME one of {', '.join(Limits.names())}")
        changes[name] = int(value)
    return Limits().relaxed(**changes)


class _LazyGroup(click.Group):
    """A group whose commands in ``lazy`` (name: ``"module:attribute"``, relative to footprint) are imported on
    first use, so that a command does not import the modules of the others (``calc`` loads no server, ledger or
    PACT client code). ``--help`` lists them all, importing each for its summary."""

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, the lazy ones without importing them."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name``, imported now when it is a lazy one."""
        if cmd_name in self.lazy and cmd_name not in self.commands:  # ``lazy`` stays whole: --help lists it
            module, _, attr = self.lazy[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module, "footprint"), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=_LazyGroup,
    lazy={"ledger": "._cli_ledger:ledger", "serve": "._cli_server:serve", "clients": "._cli_server:clients",
          "events": "._cli_events:events", "publish": "._cli_server:publish"},
    context_settings={"help_option_names": ["-h", "--help"]},
)  # fmt: skip
@click.version_option(package_name="footprint")
@click.option(
    "--decimal", type=click.Choice([".", ","]), default=None,
    help="Decimal separator of ERP exports (a number with a comma is refused without it).",
)  # fmt: skip
@click.option(
    "--limit", "limits", multiple=True, callback=_limit, metavar="NAME=N",
    help=f"Relax a limit on input size ({', '.join(Limits.names())}); see docs/cli.md.",
)  # fmt: skip
@click.pass_context
def main(ctx: click.Context, decimal: Literal[".", ","] | None, limits: Limits) -> None:
    """footprint: carbon footprints of oil and gas equipment.

    \b
    Examples:
      footprint calc examples/subsea_gate_valve.yaml
      footprint factors search steel --category material
      footprint validate my_factors.csv my_product.yaml
      footprint --decimal , calc erp_product.yaml
    """
    from ._units import hide_pint_facets

    hide_pint_facets()  # pint, imported only for a unit the unit table does not hold, without Dask and Babel
    ctx.with_resource(use_limits(limits))
    ctx.with_resource(use_decimal(decimal))


_FACTORS_OPT = click.option(
    "--factors",
    "factors",
    multiple=True,
    type=click.Path(),
    help="Own factor file or folder (CSV, JSON, Excel, or a supplier's PACT file *.pact.json); takes precedence "
    "over the bundled library. Repeatable.",
)
_NO_DEFAULTS_OPT = click.option(
    "--no-default-factors", is_flag=True, help="Use only the --factors files, not the bundled library."
)
_GWP_CHOICE = click.option(
    "--gwp",
    default=DEFAULT_GWP_SET,
    show_default=True,
    type=click.Choice(list(gwp_sets()), case_sensitive=False),
    help="GWP set that folds gases into CO2e.",
)
_GWP_FILE = click.option(
    "--gwp-file",
    "gwp_file",
    type=click.Path(),
    help="A GWP set of your own (CSV laid out like footprint/gwp.csv, docs/factors.md); used instead of --gwp.",
)


def _GWP_OPT(func: F) -> F:  # noqa: N802 - used as a decorator beside the other option constants
    """The --gwp and --gwp-file options: a GWP set from the file replaces the --gwp name."""

    @_reports_errors
    @wraps(func)
    def wrapper(*args: Any, gwp_file: str | None = None, **kwargs: Any) -> Any:
        if gwp_file is not None:
            kwargs["gwp"] = load_gwp_set(gwp_file).name
        return func(*args, **kwargs)

    return _GWP_CHOICE(_GWP_FILE(wrapper))  # type: ignore[return-value]


_PREFOLDED_OPT = PREFOLDED_OPT


def _write(text: str, output: str | None) -> None:
    if output:
        from ._output import write_atomic

        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


class _NoBar:
    """Stands in for a progress bar when standard error is not a terminal (CI logs, pipes)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        """Nothing to show."""


def _steps(label: str, n: int) -> Any:
    """A progress bar on standard error for the steps of a long run, on a terminal only."""
    if not sys.stderr.isatty():
        return _NoBar()
    return click.progressbar(length=n, label=label, file=sys.stderr, show_eta=False)


def _results(
    files: Sequence[str], lib: FactorLibrary, gwp: str, prefolded: PrefoldedPolicy, indicators: str | None = None
) -> dict[str, FootprintResult]:
    """Footprints of product files; products that buy from each other are computed as one chain."""
    from ._product_io import load_product
    from ._suppliers import calculate_chain

    products = [load_product(f) for f in files]
    first: dict[str, int] = {}
    twice = [
        Problem(f"product id {p.id!r} is also the id of {files[first[p.id]]}", file=files[k], field="id",
                value=p.id, expected="one file per product id")
        for k, p in enumerate(products)
        if first.setdefault(p.id, k) != k
    ]  # fmt: skip
    if twice:
        raise ProductError(twice, what="product files")
    return calculate_chain(products, lib, gwp=gwp_set(gwp), prefolded=prefolded, indicators=indicators)


@main.command()
@click.argument("product_file", type=click.Path())
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@click.option("--quantity", type=float, default=1.0, show_default=True, help="Number of declared units.")
@click.option(
    "--indicators",
    "indicator_spec",
    help="Indicators beside GWP: all, gwp, en15804, or ids such as AP,POCP,PENRT (docs/indicators.md).",
)
@click.option(
    "--indicator-file",
    "indicator_files",
    multiple=True,
    type=click.Path(),
    help="An indicator CSV file of one's own (repeatable); its ids can then be named in --indicators.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "en15804"]),
    default="table",
    show_default=True,
    help="en15804: the EN 15804+A2 table per module as CSV (indicators en15804 unless --indicators says).",
)
@click.option("-o", "--output", type=click.Path(), help="Write to this file instead of standard output.")
@_reports_errors
def calc(
    product_file: str,
    factors: tuple[str, ...],
    no_default_factors: bool,
    gwp: str,
    prefolded: PrefoldedPolicy,
    quantity: float,
    indicator_spec: str | None,
    indicator_files: tuple[str, ...],
    fmt: str,
    output: str | None,
) -> None:
    """Calculate the lifecycle footprint of a product file (JSON or YAML).

    \b
    Example:
      footprint calc examples/subsea_gate_valve.yaml
      footprint calc valve.yaml --factors company_factors.csv --gwp AR5 --format json -o result.json
      footprint calc valve.yaml --indicators all
      footprint calc valve.yaml --format en15804 -o epd_table.csv
    """
    from ._en15804 import en15804_csv, en15804_text
    from ._indicators import load_indicators
    from ._lifecycle import calculate, prepare_product
    from ._product_io import load_product

    lib = _library(factors, no_default_factors)
    for path in indicator_files:
        load_indicators(path)
    product = load_product(product_file)
    prepared = prepare_product(product, lib, file=product_file)
    spec = indicator_spec or ("en15804" if fmt == "en15804" else None)
    result = calculate(prepared, gwp=gwp_set(gwp), prefolded=prefolded, quantity=quantity, indicators=spec)
    if fmt == "json":
        text = result.model_dump_json(indent=2)
    elif fmt == "csv":
        text = result_csv(result)
    elif fmt == "en15804":
        text = en15804_csv(result)
    else:
        text = render_result(result) + ("\n\n" + en15804_text(result) if result.indicators else "")
    _write(text, output)


@main.command()
@click.argument("product_file", type=click.Path())
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@click.option(
    "--rate", help="A cost line at a bundled NOx rate SCHEME:YEAR, e.g. no-nox-tax:2024 (docs/air-pollutants.md)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_reports_errors
def nox(product_file: str, factors: tuple[str, ...], no_default_factors: bool, rate: str | None, fmt: str) -> None:
    """kg NOx per declared unit of a product (A1-C4 and per module), with a cost line at a named NOx rate.

    \b
    Example:
      footprint nox examples/compressor_fat.yaml --rate no-nox-tax:2024
    """
    from ._lifecycle import calculate, prepare_product
    from ._nox import nox_cost, nox_kg, nox_not_covered, nox_summary, parse_rate
    from ._product_io import load_product

    lib = _library(factors, no_default_factors)
    result = calculate(prepare_product(load_product(product_file), lib, file=product_file), prefolded="report")
    picked = parse_rate(rate) if rate else None
    if fmt == "json":
        click.echo(json.dumps(nox_summary(result, lib, picked), indent=2))
        return
    kg = nox_kg(result)
    lines = [f"{result.product_id}: {kg:,.3f} kg NOx per {result.declared_unit} (A1-C4)"]
    lines += [f"  {m}: {v:,.3f} kg" for m in result.inventory_by_module if (v := nox_kg(result, m))]
    lines += [f"NOx not covered: {c.path}: {c.label} ({c.factor_id})" for c in nox_not_covered(result, lib)]
    if picked is not None:
        lines.append(f"cost: {nox_cost(kg, picked)}")
    click.echo("\n".join(lines))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(files: tuple[str, ...], factors: tuple[str, ...], no_default_factors: bool, fmt: str) -> None:
    """Check factor files (.csv, .json, .xlsx, .pact.json) and product files (.yaml, .yml, .json with items).

    The product files are checked against the factor files given (as FILES or --factors) over the bundled
    library. Reports every problem of every file and exits with 1 if there is any.

    \b
    Example:
      footprint validate company_factors.csv examples/subsea_gate_valve.yaml
    """
    from ._factor_io import default_library, load_factors
    from ._lifecycle import prepare_product
    from ._product_io import load_product

    problems: list[dict[str, Any]] = []
    checked: list[str] = []
    try:
        lib = _library(factors, no_default_factors)
    except InputError as exc:
        problems += exc.to_records()
        lib = default_library()
    # factor files among FILES are read first: the product files are checked against them too
    good_factors: set[str] = set()
    for f in [f for f in files if not _is_product(Path(f))]:
        try:
            lib = load_factors(f).merge(lib)
            good_factors.add(f)
        except InputError as exc:
            problems += exc.to_records()
        except FootprintError as exc:
            problems.append({"file": f, "message": str(exc)})
    for f in files:
        path = Path(f)
        try:
            if _is_product(path):
                prepare_product(load_product(path), lib, file=str(path))
            elif f not in good_factors:
                continue
            checked.append(f)
        except InputError as exc:
            problems += exc.to_records()
        except FootprintError as exc:
            problems.append({"file": f, "message": str(exc)})
    if fmt == "json":
        click.echo(json.dumps({"ok": not problems, "checked": checked, "problems": problems}, indent=2, default=str))
    else:
        for f in checked:
            click.echo(f"ok: {f}")
        for p in problems:
            where = ", ".join(
                str(x)
                for x in (p.get("file"), p.get("row") and f"row {p['row']}", p.get("field") and f"field '{p['field']}'")
                if x
            )
            extra = f" (got {p['value']!r})" if p.get("value") is not None else ""
            exp = f"; expected {p['expected']}" if p.get("expected") else ""
            click.echo(f"error: {where}: {p['message']}{extra}{exp}", err=True)
    if problems:
        sys.exit(EXIT_INPUT)


def _is_product(path: Path) -> bool:
    if path.suffix.lower() in (".yaml", ".yml"):
        return True
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return False
        return isinstance(data, dict) and ("items" in data or "product" in data)
    return False


@main.group()
def factors() -> None:
    """List, search and show emission factors with their provenance.

    \b
    Examples:
      footprint factors list --category freight
      footprint factors search diesel combustion
      footprint factors show fuel.diesel.stationary.combustion.ipcc2006
    """


def _factor_rows(facs: list[Any], gwp: str) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for f in facs:
        value = f"{f.co2e:.6g} ({f.gwp_set})" if f.is_prefolded else f"{f.co2e_per_unit(gwp):.6g}"
        rows.append((f.id, value, f"kg CO2e/{f.unit}", f.licence, f.name))
    return rows


@factors.command("list")
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@click.option("--category", help="Only this category (material, fuel, freight, electricity, waste ...).")
@click.option(
    "--gwp", default=DEFAULT_GWP_SET, show_default=True, type=click.Choice(list(gwp_sets()), case_sensitive=False)
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_reports_errors
def factors_list(factors: tuple[str, ...], no_default_factors: bool, category: str | None, gwp: str, fmt: str) -> None:
    """List factors (per-gas factors folded with --gwp; pre-folded ones show their own set).

    \b
    Example:
      footprint factors list --category material --format csv
    """
    lib = _library(factors, no_default_factors)
    _print_factors(lib.search(category=category), lib, gwp, fmt)


@factors.command("search")
@click.argument("words", nargs=-1)
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@click.option("--category")
@click.option("--region", help="Region code, e.g. NO, GB, GLO.")
@click.option(
    "--gwp", default=DEFAULT_GWP_SET, show_default=True, type=click.Choice(list(gwp_sets()), case_sensitive=False)
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_reports_errors
def factors_search(
    words: tuple[str, ...],
    factors: tuple[str, ...],
    no_default_factors: bool,
    category: str | None,
    region: str | None,
    gwp: str,
    fmt: str,
) -> None:
    """Search factors whose id, name or notes contain every word.

    \b
    Example:
      footprint factors search articulated --category freight
    """
    lib = _library(factors, no_default_factors)
    _print_factors(lib.search(" ".join(words), category=category, region=region), lib, gwp, fmt)


def _print_factors(facs: list[Any], lib: FactorLibrary, gwp: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([f.model_dump(mode="json") for f in facs], indent=2))
    elif fmt == "csv":
        import pandas as pd

        ids = {f.id for f in facs}
        df = lib.to_frame()
        click.echo(csv_text(pd.DataFrame(df[df["id"].isin(ids)]), index=False), nl=False)
    else:
        click.echo(_table(_factor_rows(facs, gwp), ("id", "value", "unit", "licence", "name"), {1}))
        click.echo(f"\n{len(facs)} factor(s) of {lib.name} ({lib.version})")


@factors.command("show")
@click.argument("factor_id")
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_reports_errors
def factors_show(factor_id: str, factors: tuple[str, ...], no_default_factors: bool, fmt: str) -> None:
    """Show one factor with its gases, values under every GWP set, and provenance.

    \b
    Example:
      footprint factors show freight.hgv.articulated_33t_plus.ttw.desnz2025
    """
    lib = _library(factors, no_default_factors)
    f = lib.get(factor_id)
    if fmt == "json":
        click.echo(f.model_dump_json(indent=2))
        return
    lines = [f"{f.id}", f"  {f.name}", f"  per {f.unit}; category {f.category}; boundary {f.boundary}"]
    if f.is_prefolded:
        lines.append(f"  {f.co2e} kg CO2e per {f.unit}, folded by its source with {f.gwp_set}")
    else:
        lines += [f"  {g}: {v:.6g} kg per {f.unit}" for g, v in f.gases.items()]
        lines += [
            f"  = {f.co2e_per_unit(gwp_set(s)):.6g} kg CO2e per {f.unit} under {s}"
            for s in gwp_sets()
            if not gwp_set(s).missing(f.gases)
        ]
    for key in ("source", "source_url", "edition", "table", "region", "licence", "density", "net_calorific_value", "energy_basis", "gcv_ncv_ratio",
                "dqr_technological", "dqr_geographical", "dqr_temporal", "proxy", "uncertainty", "valid_from", "valid_to", "notes"):  # fmt: skip
        value = getattr(f, key)
        if value not in (None, False):
            lines.append(f"  {key}: {value}")
    lines.append(f"  library: {lib.origin(f.id)}")
    click.echo("\n".join(lines))


@main.command()
@click.argument("file_a", type=click.Path())
@click.argument("file_b", type=click.Path())
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@click.option(
    "--by", type=click.Choice(["component", "module", "factor", "material"]), default="component", show_default=True
)
@click.option("--top", type=int, default=15, show_default=True, help="Rows to show (table format).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_reports_errors
def compare(
    file_a: str, file_b: str, factors: tuple[str, ...], no_default_factors: bool, gwp: str, prefolded: PrefoldedPolicy,
    by: str, top: int, fmt: str,
) -> None:  # fmt: skip
    """Compare two footprints of a product (two designs, or two versions): where B differs from A.

    \b
    Example:
      footprint compare valve_v1.yaml valve_v2.yaml --by module
    """
    from ._compare import compare as compare_results
    from ._lifecycle import calculate
    from ._product_io import load_product

    lib = _library(factors, no_default_factors)
    a = calculate(load_product(file_a), lib, gwp=gwp_set(gwp), prefolded=prefolded)
    b = calculate(load_product(file_b), lib, gwp=gwp_set(gwp), prefolded=prefolded)
    diff = compare_results(a, b, by=by)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps({"a_total_kgco2e": a.total_kgco2e, "b_total_kgco2e": b.total_kgco2e,
                               "a_module_d_kgco2e": a.module_d_kgco2e, "b_module_d_kgco2e": b.module_d_kgco2e,
                               "by": by, "rows": diff.reset_index().to_dict("records")}, indent=2))  # fmt: skip
    elif fmt == "csv":
        click.echo(csv_text(diff), nl=False)
    else:
        click.echo(f"A {a.product_id}: {_fmt_kg(a.total_kgco2e)} kg CO2e   B {b.product_id}: {_fmt_kg(b.total_kgco2e)} kg CO2e   "
                   f"B - A: {_fmt_kg(b.total_kgco2e - a.total_kgco2e)}\n")  # fmt: skip
        rows = [
            (str(k), _fmt_kg(r.a_kgco2e), _fmt_kg(r.b_kgco2e), _fmt_kg(r.diff_kgco2e))
            for k, r in diff.head(top).iterrows()
        ]
        click.echo(_table(rows, (by, "A kg CO2e", "B kg CO2e", "B - A"), {1, 2, 3}))
        da, db = a.module_d_kgco2e, b.module_d_kgco2e
        click.echo(f"\nModule D, reported apart (not in the totals above): A {_fmt_kg(da)}   B {_fmt_kg(db)}   "
                   f"B - A: {_fmt_kg(db - da)} kg CO2e")  # fmt: skip


@main.command()
@click.argument("product_files", nargs=-1, required=True, type=click.Path())
@click.option("--to", "target", type=click.Choice(["pact", "pact-v2", "json", "csv", "excel"]), required=True,
              help="pact: PACT 3.0.3 ProductFootprint; pact-v2: PACT 2.3; json: the result; csv: the contribution table; excel: a workbook.")  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(), help="File to write (required for excel; for several products, a folder)."
)
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@click.option(
    "--preceding-pf-id", "preceding", multiple=True, help="PACT: id of a footprint this one supersedes. Repeatable."
)
@pact_options
@_reports_errors
def export(
    product_files: tuple[str, ...], target: str, output: str | None, factors: tuple[str, ...], no_default_factors: bool,
    gwp: str, prefolded: PrefoldedPolicy, preceding: tuple[str, ...], pact: dict[str, Any],
) -> None:  # fmt: skip
    """Export footprints: PACT (3.0.3 or 2.3) JSON for customers, the result JSON, CSV or an Excel workbook.

    Several product files that buy from each other are computed as one supply chain.

    \b
    Example:
      footprint export examples/subsea_gate_valve.yaml --to pact \\
          --company-name "Valve maker AS" --company-id valve-maker --company-domain valve-maker.example \\
          --fossil-carbon-content 6.1 -o valve.pact.json
      footprint export examples/subsea_gate_valve.yaml --to excel -o valve.xlsx
    """
    from ._output import atomic_outputs, confined, output_names
    from ._product_io import load_product
    from .pact._exchange import to_pact

    lib = _library(factors, no_default_factors)
    results = _results(product_files, lib, gwp, prefolded)
    many = len(results) > 1
    if target == "excel" and not output:
        raise click.UsageError("--to excel needs -o FILE.xlsx (or a folder for several products)")
    if target in ("pact", "pact-v2") and (not pact["company_name"] or not pact["company_ids"]):
        raise click.UsageError("PACT export needs --company-name and --company-id")
    # file names from product ids: slugged, length-limited and kept inside the folder (footprint._output)
    names = output_names(results, "." + {"excel": "xlsx", "csv": "csv"}.get(target, "json"))
    upstream = _pact_files(factors) if target in ("pact", "pact-v2") else []  # read once for every product
    printed: list[str] = []
    with atomic_outputs() as out:
        for k, (pid, result) in enumerate(results.items()):
            dest = (confined(out.folder(output), names[pid]) if many else Path(output)) if output else None
            if target == "excel":
                from .report._pages import excel_report

                excel_report(result, out.stage(dest or names[pid]), lib)
                continue
            if target in ("pact", "pact-v2"):
                product = load_product(product_files[k])
                pf = to_pact(
                    result, company_name=pact["company_name"], company_ids=pact["company_ids"],
                    product_ids=pact["product_ids"], version="2.3" if target == "pact-v2" else "3.0.3",
                    reference_period=pact["period"] or product.reference_period, library=lib,
                    preceding_pf_ids=list(preceding), upstream=upstream,
                    geography=pact["geography"] if pact["geography"] is not None else product.region,
                    **pact["to_pact"],
                )  # fmt: skip
                text = json.dumps(pf, indent=2, ensure_ascii=False)
            elif target == "json":
                text = result.model_dump_json(indent=2)
            else:
                text = result_csv(result)
            if dest is None:
                printed.append(text)
            else:
                out.write_text(dest, text)
        written = [str(p) for p in out.targets]
    for text in printed:
        click.echo(text)
    for p in written:
        click.echo(f"wrote {p}", err=True)


@main.command()
@click.argument("product_files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(), required=True, help="The HTML report to write.")
@click.option("--excel", type=click.Path(), help="Also write the breakdown tables as an Excel workbook.")
@click.option("--charts", type=click.Path(), help="Also write the charts (PNG and SVG) into this folder.")
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@click.option("--indicators", "indicator_spec", help="Indicators beside GWP (all, en15804, ids): table and charts.")
@_reports_errors
def report(
    product_files: tuple[str, ...], output: str, excel: str | None, charts: str | None, factors: tuple[str, ...],
    no_default_factors: bool, gwp: str, prefolded: PrefoldedPolicy, indicator_spec: str | None,
) -> None:  # fmt: skip
    """Write a self-contained HTML report of a product (the last file, when several form a supply chain):
    totals, modules, hotspots, gases, indicators (with --indicators), data quality, methodology, factor
    sources and licences.

    \b
    Example:
      footprint report examples/subsea_gate_valve.yaml -o valve.html --excel valve.xlsx --charts charts/
      footprint report examples/subsea_gate_valve.yaml -o valve.html --indicators en15804
    """
    from ._output import atomic_outputs, confined, output_name
    from ._product_io import load_product
    from .report._pages import chart_hotspots, chart_modules, excel_report, html_report, save_chart

    lib = _library(factors, no_default_factors)
    results = _results(product_files, lib, gwp, prefolded, indicator_spec)
    product = load_product(product_files[-1])
    result = results[product.id]
    with atomic_outputs() as out:  # the page, the workbook and the charts: all or none
        out.write_text(output, html_report(result, lib, product=product))
        if excel:
            excel_report(result, out.stage(excel), lib)
        if charts:
            folder = out.folder(charts)
            for name, fig in (("modules", chart_modules(result)), ("hotspots", chart_hotspots(result))):
                for suffix in ("png", "svg"):
                    save_chart(fig, out.stage(confined(folder, output_name(result.product_id, f"-{name}.{suffix}"))))
    click.echo(f"wrote {output}", err=True)
    if excel:
        click.echo(f"wrote {excel}", err=True)
    if charts:
        click.echo(f"wrote charts to {charts}", err=True)


def _target(text: str) -> Any:
    from ._suppliers import Target

    parts = [p.strip() for p in text.split(",")]
    if not 4 <= len(parts) <= 7:
        raise click.BadParameter(
            f"{text!r}: expected SCOPE,BASELINE,TARGET,REDUCTION[,LEVEL[,METRIC[,MODULES]]], e.g. 'Valve AS,2023,2030,0.4'"
            " or 'North Sea,2023,2030,0.3,cluster,per_tonne,A1-A3'"
        )
    level, metric, modules = (parts[4:] + ["supplier", "absolute", "A1-C4"][len(parts) - 4 :])[:3]
    currency = None
    if metric.lower().startswith("per_") and metric[4:].isalpha() and len(metric) == 7:  # per_NOK, per_USD
        metric, currency = "per_revenue", metric[4:].upper()
    try:
        return Target(scope=parts[0], baseline_period=parts[1], target_period=parts[2], reduction=float(parts[3]),
                      level=level, metric=metric, modules=modules, currency=currency)  # fmt: skip
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: {exc}") from None


@main.command()
@click.argument("product_files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--deliveries",
    required=True,
    type=click.Path(),
    help="Deliveries: product, period, quantity[, unit, customer, revenue, currency] (CSV or Excel).",
)
@click.option(
    "--period", "periods", multiple=True, help="A reporting period; deliveries in others are errors. Repeatable."
)
@click.option("--cluster", default="cluster", show_default=True, help="Name of the cluster the suppliers form.")
@click.option(
    "--target",
    "targets",
    multiple=True,
    help="SCOPE,BASELINE,TARGET,REDUCTION[,LEVEL[,METRIC[,MODULES]]]: LEVEL supplier or cluster; METRIC absolute, "
    "per_tonne, per_piece or per_<currency> (per_NOK); MODULES A1-C4 or A1-A3. E.g. "
    "'cluster,2023,2030,0.4,cluster,per_tonne,A1-A3'. Repeatable.",
)
@click.option("--html", type=click.Path(), help="Also write an HTML supplier report.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@_reports_errors
def suppliers(
    product_files: tuple[str, ...], deliveries: str, periods: tuple[str, ...], cluster: str, targets: tuple[str, ...],
    html: str | None, fmt: str, factors: tuple[str, ...], no_default_factors: bool, gwp: str, prefolded: PrefoldedPolicy,
) -> None:  # fmt: skip
    """Footprints of suppliers and their cluster per reporting period, from product files (a supply chain) and
    deliveries; progress against targets.

    \b
    Example:
      footprint suppliers examples/cluster/*.yaml --deliveries examples/cluster/deliveries.csv \\
          --cluster "Sørlandet cluster" --target "Sørlandet cluster,2023,2030,0.4,cluster"
    """
    from ._suppliers import Supplier, footprint_table, progress, supplier_footprints

    parsed = [_target(t) for t in targets]
    lib = _library(factors, no_default_factors)
    with _steps("footprints", 3) as bar:
        results = _results(product_files, lib, gwp, prefolded)
        bar.update(1)
        sups = [Supplier(id=r.supplier or "(none)", cluster=cluster) for r in results.values()]
        sf = supplier_footprints(footprint_table(results), deliveries, periods=list(periods) or None,
                                 suppliers=list({s.id: s for s in sups}.values()))  # fmt: skip
        bar.update(1)
        prog = {t.scope: progress(sf, t) for t in parsed}
        bar.update(1)
    table = sf.by_supplier[["quantity", "mass_t", "total_kgco2e", "cradle_to_gate_kgco2e", "primary_data_share"]]
    if fmt == "json":
        click.echo(json.dumps({"by_supplier": json.loads(table.reset_index().to_json(orient="records")),
                               "by_cluster": json.loads(sf.cluster_totals.reset_index().to_json(orient="records")),
                               "progress": {k: json.loads(v.reset_index().to_json(orient="records")) for k, v in prog.items()}},
                              indent=2, ensure_ascii=False))  # fmt: skip
    elif fmt == "csv":
        click.echo(csv_text(table), nl=False)
    else:
        rows = [
            (
                str(r["period"]),
                str(r["supplier"]),
                f"{r['quantity']:,.0f}",
                _fmt_kg(r["total_kgco2e"]),
                f"{r['primary_data_share']:.0%}",
            )
            for r in table.reset_index().to_dict("records")
        ]
        click.echo(_table(rows, ("period", "supplier", "declared units", "kg CO2e", "primary"), {2, 3, 4}))
        for k, r in sf.cluster_totals.iterrows():
            click.echo(f"{k[0]}  {k[1]}: {_fmt_kg(r.net_kgco2e)} kg CO2e leaving the cluster (gross "  # type: ignore[index]
                       f"{_fmt_kg(r.gross_kgco2e)}, intra-cluster {_fmt_kg(r.intra_cluster_kgco2e)})")  # fmt: skip
        for scope, df in prog.items():
            click.echo(f"\nprogress of {scope}:")
            rows = [
                (
                    str(p),
                    _fmt_kg(r.value),
                    _fmt_kg(r.target_path),
                    f"{r.reduction_achieved:+.1%}",
                    "yes" if r.on_track else "no",
                )
                for p, r in df.iterrows()
            ]
            click.echo(_table(rows, ("period", "kg CO2e", "target path", "reduction", "on track"), {1, 2, 3}))
    if html:
        from ._output import write_atomic
        from .report._pages import html_supplier_report

        write_atomic(html, html_supplier_report(sf, targets=parsed))
        click.echo(f"wrote {html}", err=True)


@main.command()
@click.argument("product_file", type=click.Path())
@click.option("--iterations", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--top", type=int, default=8, show_default=True, help="Inputs to list in the sensitivity table.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@_reports_errors
def uncertainty(
    product_file: str, iterations: int, seed: int, top: int, fmt: str, factors: tuple[str, ...],
    no_default_factors: bool, gwp: str, prefolded: PrefoldedPolicy,
) -> None:  # fmt: skip
    """Monte Carlo of a product's footprint: percentiles of the total and per module, and what drives the spread.

    \b
    Example:
      footprint uncertainty examples/subsea_gate_valve.yaml --iterations 5000 --seed 1
    """
    from ._product_io import load_product
    from ._uncertainty import monte_carlo

    lib = _library(factors, no_default_factors)
    mc = monte_carlo(
        load_product(product_file),
        lib,
        iterations=iterations,
        seed=seed,
        gwp=gwp_set(gwp),
        prefolded=prefolded,
        top=top,
    )
    if fmt == "json":
        click.echo(json.dumps({"iterations": iterations, "seed": seed, "gwp_set": mc.gwp_set,
                               "summary": json.loads(mc.summary.to_json(orient="index")),
                               "by_module": json.loads(mc.by_module.to_json(orient="index")),
                               "sensitivity": json.loads(mc.sensitivity.to_json(orient="index")),
                               "defaults": mc.defaults}, indent=2))  # fmt: skip
        return
    cols = ("deterministic", "mean", "median", "p2_5", "p97_5")
    frame = mc.summary.rename(index={"total_kgco2e": "A1-C4"})
    rows = [(str(k), *(_fmt_kg(r[c]) for c in cols)) for k, r in [*frame.iterrows(), *mc.by_module.iterrows()]]
    click.echo(f"{iterations} iterations, seed {seed}, {mc.gwp_set}\n")
    click.echo(_table(rows, ("", *cols), {1, 2, 3, 4, 5}))
    srows = [(str(k), f"{r.rank_correlation:+.2f}", f"{r.variance_share:.1%}") for k, r in mc.sensitivity.iterrows()]
    click.echo("\nwhat drives the spread:")
    click.echo(_table(srows, ("input", "rank correlation", "share of variance"), {1, 2}))
    if mc.defaults:
        click.echo(
            f"\n{len(mc.defaults)} factor(s) without a distribution of their own got one from the pedigree matrix or the default."
        )


@main.command()
@click.argument("product_file", metavar="PRODUCT_OR_CATALOGUE", type=click.Path())
@click.option("--levers", "levers_file", type=click.Path(), help="Lever file (YAML or JSON).")
@click.option("--suggest", is_flag=True, help="Add the levers the bundled catalogue suggests from the hotspots.")
@click.option("--combine", help="Also evaluate levers together: all, pairs, or comma-separated lever names.")
@click.option("--deliveries", type=click.Path(), help="Deliveries table: savings over a period's deliveries.")
@click.option("--period", help="The deliveries' period (default: the last).")
@click.option(
    "--rank",
    type=click.Choice(["saving", "cost", "confidence"]),
    default="saving",
    show_default=True,
    help="Order: largest saving, cheapest t CO2e (a marginal abatement cost curve), or highest P(saving > 0).",
)
@click.option("--currency", help="With --rank cost: the currency of the costs ranked (when levers use several).")
@click.option("--iterations", type=int, default=1000, show_default=True, help="Monte Carlo iterations.")
@click.option("--seed", type=int, default=0, show_default=True)
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(), help="Write to this file instead of standard output.")
@_reports_errors
def levers(
    product_file: str, levers_file: str | None, suggest: bool, combine: str | None, deliveries: str | None,
    period: str | None, rank: str, currency: str | None,
    iterations: int, seed: int, factors: tuple[str, ...],
    no_default_factors: bool, gwp: str, prefolded: PrefoldedPolicy, fmt: str, output: str | None,
) -> None:  # fmt: skip
    """Reduction levers of a product file, a catalogue folder (products, bom and activities tables) or a
    folder of product files (a supply chain): what each change (and each combination asked for) saves, with
    its Monte Carlo spread, P(saving > 0) and cost per t CO2e, largest saving first.

    \b
    Example:
      footprint levers examples/subsea_gate_valve.yaml --levers examples/levers/subsea_gate_valve.levers.yml \\
        --combine all --prefolded report
      footprint levers examples/cluster --levers examples/levers/cluster.levers.yml \\
        --deliveries examples/cluster/deliveries.csv --period 2025
    """
    import pandas as pd

    from ._lever_targets import evaluate_target
    from ._levers import load_levers

    if iterations < 1:
        raise InputError([Problem("iterations must be >= 1", field="--iterations", value=iterations)], what="levers")
    if levers_file is None and not suggest:
        raise InputError([Problem("no levers to evaluate", field="--levers",
                                  expected="--levers FILE, --suggest, or both")], what="levers")  # fmt: skip
    res = evaluate_target(
        product_file, load_levers(levers_file) if levers_file else None, _library(factors, no_default_factors),
        suggest=suggest, deliveries=deliveries, period=period, combine=combine, gwp=gwp_set(gwp),
        prefolded=prefolded, iterations=iterations, seed=seed,
    )  # fmt: skip
    ranked = res.ranked(rank, currency=currency)  # type: ignore[arg-type]  # one of click's choices
    if fmt == "json":
        _write(json.dumps({**res.to_dict(), "levers": ranked}, indent=2), output)
        return
    cols = ("name", "kind", "scenario_kgco2e", "saving_kgco2e", "saving_share", "saving_p5", "saving_p95",
            "p_saving_positive", "cost_per_tco2e")  # fmt: skip
    if fmt == "csv":
        frame = pd.DataFrame([{c: r[c] for c in cols} | {"currency": (r["cost"] or {}).get("currency")}
                              for r in ranked])  # fmt: skip
        _write(csv_text(frame, index=False), output)
        return
    rows = [
        (r["name"], r["kind"], _fmt_kg(r["saving_kgco2e"]), f"{r['saving_share']:.1%}",
         f"[{_fmt_kg(r['saving_p5'])}, {_fmt_kg(r['saving_p95'])}]", f"{r['p_saving_positive']:.3f}",
         "" if r["cost_per_tco2e"] is None else f"{r['cost_per_tco2e']:,.0f} {r['cost']['currency']}/t")
        for r in ranked
    ]  # fmt: skip
    head = (f"{res.product}: baseline {_fmt_kg(res.baseline_kgco2e)} kg CO2e (A1-C4, {res.basis}), {res.gwp_set}, "
            f"{iterations} iterations\n")  # fmt: skip
    _write(head + "\n" + _table(rows, ("lever", "kind", "saving kg CO2e", "share", "90 % interval", "P(saving>0)",
                                       "cost per t CO2e"), {2, 3, 4, 5, 6}), output)  # fmt: skip


def _catalogue_here(
    products: str, bom: str, activities: str, lib: FactorLibrary, gwp: str, prefolded: PrefoldedPolicy
) -> CatalogueResult:
    """A catalogue's result on this machine, the three steps shown as they run."""
    from ._catalogue import calculate_catalogue, explode_catalogue, prepare_catalogue

    with _steps("catalogue", 3) as bar:
        cat = prepare_catalogue(products, bom, activities, lib)
        bar.update(1)
        ex = explode_catalogue(cat)
        bar.update(1)
        res = calculate_catalogue(ex, gwp=gwp_set(gwp), prefolded=prefolded)
        bar.update(1)
    return res


@main.command()
@click.argument("products", type=click.Path())
@click.argument("bom", type=click.Path())
@click.argument("activities", type=click.Path())
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@_GWP_OPT
@_PREFOLDED_OPT
@click.option("--by", type=click.Choice(["product", "supplier", "family"]), default="supplier", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(), help="Write to this file instead of standard output.")
@click.option(
    "--scheduler", metavar="ADDRESS",
    help="Run on a Dask cluster: PRODUCTS, BOM and ACTIVITIES are then the folders of a catalogue partitioned by "
    "supplier (docs/catalogue.md); ADDRESS is a scheduler's (tcp://host:8786), or 'local' for one in this process.",
)  # fmt: skip
@_reports_errors
def catalogue(
    products: str, bom: str, activities: str, factors: tuple[str, ...], no_default_factors: bool, gwp: str,
    prefolded: PrefoldedPolicy, by: str, fmt: str, output: str | None, scheduler: str | None,
) -> None:  # fmt: skip
    """Footprints of every product of a catalogue (products, BOM lines and activities as CSV or Parquet),
    rolled up to families and suppliers.

    \b
    Example:
      footprint catalogue examples/catalogue/products.csv examples/catalogue/bom.csv \\
          examples/catalogue/activities.csv --by supplier
    """
    from ._distributed import calculate_catalogue_distributed

    lib = _library(factors, no_default_factors)
    if scheduler is not None:
        res = calculate_catalogue_distributed(
            products, bom, activities, lib, scheduler=scheduler, gwp=gwp_set(gwp), prefolded=prefolded
        )
    else:
        res = _catalogue_here(products, bom, activities, lib, gwp, prefolded)
    table = {"product": res.by_product, "supplier": res.by_supplier, "family": res.by_family}[by]
    if fmt == "json":
        text = table.reset_index().to_json(orient="records", indent=2)
    elif fmt == "csv":
        text = csv_text(table)
    else:
        cols = [c for c in ("total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e") if c in table.columns]
        rows = [(str(k), *(_fmt_kg(r[c]) for c in cols)) for k, r in table.iterrows()]
        text = _table(rows, (by, "A1-C4 kg CO2e", "A1-A3", "D"), {1, 2, 3})
        text += f"\n\ncluster: {_fmt_kg(res.cluster['total_kgco2e'].iloc[0])} kg CO2e ({len(res.by_product)} products)"
    _write(text, output)


@main.command()
@click.argument("name", type=click.Choice(["result", "product", "catalogue", "factors", "levers"]), default="product")
def schema(name: str) -> None:
    """Print a published JSON Schema (versioned $id): a product file (default), a result, a catalogue
    result, a list of factors, or a lever file.

    \b
    Examples:
      footprint schema > product.schema.json
      footprint schema result > result.schema.json
    """
    from ._contracts import schema as published

    click.echo(json.dumps(published(name), indent=2))  # type: ignore[arg-type]


def _pact_files(paths: Sequence[str]) -> list[Any]:
    """The supplier footprints of the --factors files that are PACT files (read again for what a factor
    does not keep: their sources, exemptions, packaging and decimal ratings)."""
    from ._factor_io import _is_pact
    from .pact._exchange import read_pact

    out: list[Any] = []
    for name in paths:
        path = Path(name)
        if path.is_file() and path.suffix.lower() == ".json" and _is_pact(path.read_text(encoding="utf-8"), path):
            out += read_pact(path)
    return out


@main.group(cls=_LazyGroup, lazy={"pull": "._cli_pull:pull"})
def pact() -> None:
    """Read partners' PACT footprints: check them, import them as supplier factors for bills of materials, or
    pull them from a partner's PACT host.

    \b
    Examples:
      footprint pact check supplier-response.json
      footprint pact import hydra.json seals.json --to suppliers.pact.json
      footprint calc my_product.yaml --factors suppliers.pact.json
    """


@pact.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_reports_errors
def pact_check(files: tuple[str, ...]) -> None:
    """Check PACT documents (a footprint, a list, an API response or event) against the specification's
    schemas and its rules across fields; list every problem of every file, exit 1 if there is any."""
    from ._errors import PactError
    from .pact._exchange import read_pact

    failed: list[PactError] = []
    for file in files:
        try:
            pfs = read_pact(Path(file))
        except PactError as exc:
            failed.append(exc)
            continue
        click.echo(f"{file}: {len(pfs)} footprint(s), no problems")
    if failed:
        raise PactError([p for exc in failed for p in exc.problems], what=", ".join(files))


@pact.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--to", "target", type=click.Path(), help="The supplier-footprint file to write (*.pact.json).")
@_reports_errors
def pact_import(files: tuple[str, ...], target: str | None) -> None:
    """Import PACT files as supplier footprints: every footprint checked, the current one of each product kept
    (deprecated and superseded ones left out), written as one PACT file that --factors reads; prints the factor
    ids to use in a bill of materials (pact.<company>.<product>).

    \b
    Example:
      footprint pact import hydra.json seals.json --to suppliers.pact.json
    """
    from ._errors import PactError
    from .pact._exchange import pact_factors, read_pact

    problems: list[Any] = []
    pfs: list[Any] = []
    for file in files:
        try:
            pfs += read_pact(Path(file))
        except PactError as exc:
            problems += exc.problems
    if problems:
        raise PactError(problems, what=", ".join(files))
    lib = pact_factors(pfs)
    kept = {f.source.rsplit(" ", 1)[-1] for f in lib}
    rows = [(f.id, f"{f.co2e:g}", f.unit, f.gwp_set or "-", f.region) for f in lib]
    click.echo(_table(rows, ("factor id", "kg CO2e", "per", "GWP", "region"), {1}))
    if target:
        data = [pf.to_json_dict() for pf in pfs if pf.id in kept]
        _write(json.dumps({"data": data}, indent=2, ensure_ascii=False), target)


#: What the ``footprint`` program sets in its environment before it loads anything, unless already set: one
#: BLAS thread (a command's matrices are small; starting and stopping OpenBLAS's thread pool cost more CPU
#: than it saves).
PROGRAM_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1"}


def run() -> None:
    """The ``footprint`` program (and ``python -m footprint``): :data:`PROGRAM_ENVIRONMENT`, then :func:`main`.

    Only the program sets them: code that calls :func:`main` (tests, a notebook) keeps its own environment.
    Once the command has finished, its objects are frozen out of the garbage collector (``gc.freeze``): the
    interpreter's collections on the way out would only walk objects the exit frees anyway, a sixth of a
    short command's CPU time. Exit handlers still run and files are closed as before."""
    for name, value in PROGRAM_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    try:
        main(prog_name="footprint")
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    run()
