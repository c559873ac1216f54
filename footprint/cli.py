"""The ``footprint`` command line.

Exit codes: 0 success; 1 bad input (the report lists every problem: file, row, field, expectation);
2 a command used wrongly (unknown option, missing argument).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from ._errors import FootprintError, InputError
from ._factor_io import default_library, load_factors
from ._factors import FactorLibrary, PrefoldedPolicy
from ._gwp import DEFAULT_GWP_SET, gwp_sets
from ._modules import MODULE_NAMES
from ._result import FootprintResult

__all__ = ["main"]

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
    rows = [
        (m, MODULE_NAMES[m], _fmt_kg(v), f"{v / total:.1%}" if m != "D" else "") for m, v in result.by_module.items()
    ]
    out.append(_table(rows, ("module", "stage", "kg CO2e", "share"), {2, 3}))
    contribs = sorted((c for c in result.contributions if c.module != "D"), key=lambda c: -abs(c.kgco2e))[:top]
    out += ["", f"Largest {len(contribs)} contributions:"]
    crow = [(c.module, c.path, c.factor_id, f"{c.quantity:,.4g} {c.unit}", _fmt_kg(c.kgco2e)) for c in contribs]
    out.append(_table(crow, ("module", "item", "factor", "quantity", "kg CO2e"), {3, 4}))
    if result.warnings:
        out += ["", "Notes:", *(f"  - {w}" for w in result.warnings)]
    return "\n".join(out)


def result_csv(result: FootprintResult) -> str:
    """The contribution table as CSV."""
    buf = io.StringIO()
    result.to_frame().to_csv(buf, index=False)
    return buf.getvalue()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="footprint")
def main() -> None:
    """footprint: carbon footprints of oil and gas equipment.

    \b
    Examples:
      footprint calc examples/subsea_gate_valve.yaml --prefolded report
      footprint factors search steel --category material
      footprint validate my_factors.csv my_product.yaml
    """


_FACTORS_OPT = click.option(
    "--factors",
    "factors",
    multiple=True,
    type=click.Path(),
    help="Own factor file or folder (CSV, JSON, Excel); takes precedence over the bundled library. Repeatable.",
)
_NO_DEFAULTS_OPT = click.option(
    "--no-default-factors", is_flag=True, help="Use only the --factors files, not the bundled library."
)


@main.command()
@click.argument("product_file", type=click.Path())
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@click.option(
    "--gwp",
    default=DEFAULT_GWP_SET,
    show_default=True,
    type=click.Choice(list(gwp_sets()), case_sensitive=False),
    help="GWP set that folds gases into CO2e.",
)
@click.option(
    "--prefolded",
    type=click.Choice(["error", "report"]),
    default="error",
    show_default=True,
    help="Factors their source gave as CO2e under another GWP set: refuse them, or use them unchanged and list them.",
)
@click.option("--quantity", type=float, default=1.0, show_default=True, help="Number of declared units.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(), help="Write to this file instead of standard output.")
@_reports_errors
def calc(
    product_file: str,
    factors: tuple[str, ...],
    no_default_factors: bool,
    gwp: str,
    prefolded: PrefoldedPolicy,
    quantity: float,
    fmt: str,
    output: str | None,
) -> None:
    """Calculate the lifecycle footprint of a product file (JSON or YAML).

    \b
    Example:
      footprint calc examples/subsea_gate_valve.yaml --prefolded report
      footprint calc valve.yaml --factors company_factors.csv --gwp AR5 --format json -o result.json
    """
    from ._lifecycle import calculate, prepare_product
    from ._product import load_product

    lib = _library(factors, no_default_factors)
    product = load_product(product_file)
    prepared = prepare_product(product, lib, file=product_file)
    result = calculate(prepared, gwp=gwp, prefolded=prefolded, quantity=quantity)
    if fmt == "json":
        text = result.model_dump_json(indent=2)
    elif fmt == "csv":
        text = result_csv(result)
    else:
        text = render_result(result)
    if output:
        Path(output).write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_FACTORS_OPT
@_NO_DEFAULTS_OPT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(files: tuple[str, ...], factors: tuple[str, ...], no_default_factors: bool, fmt: str) -> None:
    """Check factor files (.csv, .json, .xlsx) and product files (.yaml, .yml, .json with items).

    Reports every problem of every file and exits with 1 if there is any.

    \b
    Example:
      footprint validate company_factors.csv examples/subsea_gate_valve.yaml
    """
    from ._lifecycle import prepare_product
    from ._product import load_product

    problems: list[dict[str, Any]] = []
    checked: list[str] = []
    try:
        lib = _library(factors, no_default_factors)
    except InputError as exc:
        problems += exc.to_records()
        lib = default_library()
    for f in files:
        path = Path(f)
        try:
            if _is_product(path):
                prepare_product(load_product(path), lib, file=str(path))
            else:
                load_factors(path)
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
        rows.append((f.id, value, f"kg CO2e/{f.unit}", f.licence, f.name[:60]))
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
        buf = io.StringIO()
        pd.DataFrame(df[df["id"].isin(ids)]).to_csv(buf, index=False)
        click.echo(buf.getvalue(), nl=False)
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
        lines += [f"  = {f.co2e_per_unit(s):.6g} kg CO2e per {f.unit} under {s}" for s in gwp_sets()]
    for key in ("source", "source_url", "edition", "table", "region", "licence", "density", "net_calorific_value",
                "dqr_technological", "dqr_geographical", "dqr_temporal", "proxy", "uncertainty", "valid_from", "valid_to", "notes"):  # fmt: skip
        value = getattr(f, key)
        if value not in (None, False):
            lines.append(f"  {key}: {value}")
    lines.append(f"  library: {lib.origin(f.id)}")
    click.echo("\n".join(lines))


@main.command()
def schema() -> None:
    """Print the JSON Schema of product files.

    \b
    Example:
      footprint schema > product.schema.json
    """
    from ._product import product_schema

    click.echo(json.dumps(product_schema(), indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
