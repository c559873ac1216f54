"""footprint: carbon footprints of oil and gas equipment.

Unit-aware emission factors with provenance, bills of materials as ERP systems export them, and lifecycle
footprints per EN 15804 module, component, material, gas and factor::

    import footprint as fp

    lib = fp.default_library()
    fp.emissions("1000 L", lib["fuel.diesel.stationary.combustion.ipcc2006"])  # litres vs a factor per TJ
    product = fp.load_product("examples/subsea_gate_valve.yaml")
    result = fp.calculate(product, lib)
    result.total_kgco2e, result.by_module

See the README and docs/ for the tour, and ``footprint --help`` for the command line.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # the names as mypy and editors see them; at run time each loads on first use
    from ._biogenic import GWP_INDICATORS
    from ._bom_catalogue import catalogue_tables
    from ._bom_io import BomImport, read_bom, read_mapping
    from ._catalogue import (
        Catalogue,
        CatalogueResult,
        ExplodedCatalogue,
        calculate_catalogue,
        explode_catalogue,
        prepare_catalogue,
    )
    from ._catalogue_indicators import catalogue_indicators
    from ._catalogue_levers import evaluate_catalogue_levers
    from ._chain_levers import evaluate_chain_levers
    from ._compare import compare
    from ._distributed import calculate_catalogue_distributed
    from ._en15804 import en15804_table
    from ._erp import ERP_PRESETS, ErpRules
    from ._errors import (
        CurrencyError,
        CycleError,
        DeliveryError,
        FactorError,
        FactorFileError,
        FootprintError,
        ForeignQuantityError,
        GWPError,
        GWPFileError,
        IncompatibleUnitsError,
        IndicatorError,
        IndicatorFileError,
        InputError,
        LedgerError,
        LedgerIntegrityError,
        MissingDependencyError,
        NonFiniteError,
        OutputError,
        PactError,
        PactHostError,
        Problem,
        ProductError,
        SchedulerError,
        UnitError,
        UnknownFactorError,
        UsageError,
    )
    from ._fabrication import FabricationEnergy, fabrication_activities, fabrication_energy
    from ._factor_io import default_library, load_factors
    from ._factors import (
        BOUNDARIES,
        CATEGORIES,
        Conversion,
        EmissionFactor,
        Emissions,
        FactorLibrary,
        Uncertainty,
        activity_to_factor_unit,
        emissions,
    )
    from ._gwp import DEFAULT_GWP_SET, GWPSet, gases, gwp_set, gwp_sets, load_gwp_set
    from ._incremental import IncrementalCatalogue
    from ._indicators import Indicator, indicator, indicators, load_indicators
    from ._ledger import Ledger, Snapshot
    from ._lever_catalogue import CatalogueEntry, LeverCatalogue, lever_catalogue, suggest_levers
    from ._levers import (
        Lever,
        LeverCost,
        LeverError,
        LeverFile,
        LeverResult,
        LeverScope,
        apply_lever,
        evaluate_levers,
        load_levers,
    )
    from ._lifecycle import PreparedProduct, calculate, check_product, prepare_product
    from ._limits import Limits, use_decimal, use_limits
    from ._modules import GHG_STAGES, MODULE_NAMES, MODULES, ghg_stage
    from ._nox import (
        NOxCost,
        NOxRate,
        NOxRateError,
        nox_by_period,
        nox_cost,
        nox_kg,
        nox_not_covered,
        nox_rate,
        nox_rates,
        nox_table,
        read_nox_rates,
    )
    from ._paint import paint_activities
    from ._partitioned import partition_catalogue
    from ._per_piece import per_piece_factor
    from ._product import (
        Activity,
        Amount,
        BomColumns,
        BomSource,
        Child,
        Credit,
        DeclaredFootprint,
        EndOfLife,
        Item,
        Material,
        Period,
        Product,
        Replacement,
        Route,
        TransportLeg,
        product_schema,
    )
    from ._product_io import load_product
    from ._quality import DataQuality, data_quality
    from ._result import Contribution, FootprintResult, IndicatorResult, primary_data_share
    from ._ship_sulphur import ShipSulphurError, ship_so2_factor
    from ._spend import convert_spend
    from ._substances import air_pollutants, substances
    from ._suppliers import (
        Supplier,
        SupplierFootprints,
        Target,
        calculate_chain,
        decompose_change,
        footprint_table,
        progress,
        supplier_footprints,
    )
    from ._types import Boundary, Category, GWPSetName, Module, PrefoldedPolicy, TableSource
    from ._uncertainty import (
        MonteCarloResult,
        compare_monte_carlo,
        factor_uncertainty,
        monte_carlo,
        monte_carlo_catalogue,
        pedigree_gsd,
    )
    from ._units import Q_, conversion_factor, unit_registry
    from .pact._exchange import pact_factors, read_pact, to_pact
    from .pact._pull import PulledFootprint, PullReport, pull_footprints, pulled_factors, pulled_footprints
    from .report._levers_page import chart_macc, chart_waterfall
    from .report._pages import (
        chart_hotspots,
        chart_modules,
        chart_suppliers,
        chart_trend,
        chart_uncertainty,
        excel_report,
        html_report,
        html_supplier_report,
        save_chart,
    )

# The module each public name lives in: a name is imported on first use (PEP 562), so that ``import footprint``
# and a command loads only the modules it uses. tests/test_cold_start.py checks it against the imports above.
_NAMES_OF: dict[str, tuple[str, ...]] = {
    "._biogenic": ("GWP_INDICATORS",),
    "._bom_catalogue": ("catalogue_tables",),
    "._bom_io": ("BomImport", "read_bom", "read_mapping"),
    "._catalogue": (
        "Catalogue",
        "CatalogueResult",
        "ExplodedCatalogue",
        "calculate_catalogue",
        "explode_catalogue",
        "prepare_catalogue",
    ),
    "._catalogue_indicators": ("catalogue_indicators",),
    "._compare": ("compare",),
    "._distributed": ("calculate_catalogue_distributed",),
    "._erp": ("ERP_PRESETS", "ErpRules"),
    "._errors": (
        "CurrencyError",
        "CycleError",
        "DeliveryError",
        "FactorError",
        "FactorFileError",
        "FootprintError",
        "ForeignQuantityError",
        "GWPError",
        "GWPFileError",
        "IncompatibleUnitsError",
        "IndicatorError",
        "IndicatorFileError",
        "InputError",
        "LedgerError",
        "LedgerIntegrityError",
        "MissingDependencyError",
        "NonFiniteError",
        "OutputError",
        "PactError",
        "PactHostError",
        "Problem",
        "ProductError",
        "SchedulerError",
        "UnitError",
        "UnknownFactorError",
        "UsageError",
    ),
    "._en15804": ("en15804_table",),
    "._fabrication": ("FabricationEnergy", "fabrication_activities", "fabrication_energy"),
    "._paint": ("paint_activities",),
    "._factor_io": ("default_library", "load_factors"),
    "._factors": (
        "BOUNDARIES",
        "CATEGORIES",
        "Conversion",
        "EmissionFactor",
        "Emissions",
        "FactorLibrary",
        "Uncertainty",
        "activity_to_factor_unit",
        "emissions",
    ),
    "._gwp": ("DEFAULT_GWP_SET", "GWPSet", "gases", "gwp_set", "gwp_sets", "load_gwp_set"),
    "._incremental": ("IncrementalCatalogue",),
    "._catalogue_levers": ("evaluate_catalogue_levers",),
    "._chain_levers": ("evaluate_chain_levers",),
    "._lever_catalogue": (
        "CatalogueEntry",
        "LeverCatalogue",
        "lever_catalogue",
        "suggest_levers",
    ),
    "._indicators": ("Indicator", "indicator", "indicators", "load_indicators"),
    "._ledger": ("Ledger", "Snapshot"),
    "._levers": (
        "Lever",
        "LeverCost",
        "LeverError",
        "LeverFile",
        "LeverResult",
        "LeverScope",
        "apply_lever",
        "evaluate_levers",
        "load_levers",
    ),
    "._lifecycle": ("PreparedProduct", "calculate", "check_product", "prepare_product"),
    "._limits": ("Limits", "use_decimal", "use_limits"),
    "._modules": ("GHG_STAGES", "MODULE_NAMES", "MODULES", "ghg_stage"),
    "._partitioned": ("partition_catalogue",),
    "._per_piece": ("per_piece_factor",),
    "._product": (
        "Activity",
        "Amount",
        "BomColumns",
        "BomSource",
        "Child",
        "Credit",
        "DeclaredFootprint",
        "EndOfLife",
        "Item",
        "Material",
        "Period",
        "Product",
        "Replacement",
        "Route",
        "TransportLeg",
        "product_schema",
    ),
    "._nox": (
        "nox_by_period",
        "nox_kg",
        "nox_not_covered",
        "nox_table",
        "NOxCost",
        "NOxRate",
        "NOxRateError",
        "nox_cost",
        "nox_rate",
        "nox_rates",
        "read_nox_rates",
    ),
    "._product_io": ("load_product",),
    "._quality": ("DataQuality", "data_quality"),
    "._result": ("Contribution", "FootprintResult", "IndicatorResult", "primary_data_share"),
    "._ship_sulphur": ("ShipSulphurError", "ship_so2_factor"),
    "._spend": ("convert_spend",),
    "._substances": ("air_pollutants", "substances"),
    "._suppliers": (
        "Supplier",
        "SupplierFootprints",
        "Target",
        "calculate_chain",
        "decompose_change",
        "footprint_table",
        "progress",
        "supplier_footprints",
    ),
    "._types": ("Boundary", "Category", "GWPSetName", "Module", "PrefoldedPolicy", "TableSource"),
    "._uncertainty": (
        "MonteCarloResult",
        "compare_monte_carlo",
        "factor_uncertainty",
        "monte_carlo",
        "monte_carlo_catalogue",
        "pedigree_gsd",
    ),
    "._units": ("Q_", "conversion_factor", "unit_registry"),
    ".pact._exchange": ("pact_factors", "read_pact", "to_pact"),
    ".pact._pull": ("PulledFootprint", "PullReport", "pull_footprints", "pulled_factors", "pulled_footprints"),
    ".report._levers_page": (
        "chart_macc",
        "chart_waterfall",
    ),
    ".report._pages": (
        "chart_hotspots",
        "chart_modules",
        "chart_suppliers",
        "chart_trend",
        "chart_uncertainty",
        "excel_report",
        "html_report",
        "html_supplier_report",
        "save_chart",
    ),
}
_MODULE_OF = {name: module for module, names in _NAMES_OF.items() for name in names}


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use, then kept in the package's namespace."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'footprint' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's own names and every public one, imported or not."""
    return sorted({*globals(), *_MODULE_OF})


__all__ = [
    "BOUNDARIES",
    "CATEGORIES",
    "DEFAULT_GWP_SET",
    "ERP_PRESETS",
    "GHG_STAGES",
    "GWP_INDICATORS",
    "MODULES",
    "MODULE_NAMES",
    "Q_",
    "Activity",
    "Amount",
    "BomColumns",
    "BomImport",
    "BomSource",
    "Boundary",
    "Catalogue",
    "CatalogueEntry",
    "CatalogueResult",
    "Category",
    "Child",
    "Contribution",
    "Conversion",
    "Credit",
    "CurrencyError",
    "CycleError",
    "DataQuality",
    "DeclaredFootprint",
    "DeliveryError",
    "EmissionFactor",
    "Emissions",
    "EndOfLife",
    "ErpRules",
    "ExplodedCatalogue",
    "FabricationEnergy",
    "FactorError",
    "FactorFileError",
    "FactorLibrary",
    "FootprintError",
    "FootprintResult",
    "ForeignQuantityError",
    "GWPError",
    "GWPFileError",
    "GWPSet",
    "GWPSetName",
    "IncompatibleUnitsError",
    "IncrementalCatalogue",
    "Indicator",
    "IndicatorError",
    "IndicatorFileError",
    "IndicatorResult",
    "InputError",
    "Item",
    "Ledger",
    "LedgerError",
    "LedgerIntegrityError",
    "Lever",
    "LeverCatalogue",
    "LeverCost",
    "LeverError",
    "LeverFile",
    "LeverResult",
    "LeverScope",
    "Limits",
    "Material",
    "MissingDependencyError",
    "Module",
    "MonteCarloResult",
    "NOxCost",
    "NOxRate",
    "NOxRateError",
    "NonFiniteError",
    "OutputError",
    "PactError",
    "PactHostError",
    "Period",
    "PrefoldedPolicy",
    "PreparedProduct",
    "Problem",
    "Product",
    "ProductError",
    "PullReport",
    "PulledFootprint",
    "Replacement",
    "Route",
    "SchedulerError",
    "ShipSulphurError",
    "Snapshot",
    "Supplier",
    "SupplierFootprints",
    "TableSource",
    "Target",
    "TransportLeg",
    "Uncertainty",
    "UnitError",
    "UnknownFactorError",
    "UsageError",
    "__version__",
    "activity_to_factor_unit",
    "air_pollutants",
    "apply_lever",
    "calculate",
    "calculate_catalogue",
    "calculate_catalogue_distributed",
    "calculate_chain",
    "catalogue_indicators",
    "catalogue_tables",
    "chart_hotspots",
    "chart_macc",
    "chart_modules",
    "chart_suppliers",
    "chart_trend",
    "chart_uncertainty",
    "chart_waterfall",
    "check_product",
    "compare",
    "compare_monte_carlo",
    "conversion_factor",
    "convert_spend",
    "data_quality",
    "decompose_change",
    "default_library",
    "emissions",
    "en15804_table",
    "evaluate_catalogue_levers",
    "evaluate_chain_levers",
    "evaluate_levers",
    "excel_report",
    "explode_catalogue",
    "fabrication_activities",
    "fabrication_energy",
    "factor_uncertainty",
    "footprint_table",
    "gases",
    "ghg_stage",
    "gwp_set",
    "gwp_sets",
    "html_report",
    "html_supplier_report",
    "indicator",
    "indicators",
    "lever_catalogue",
    "load_factors",
    "load_gwp_set",
    "load_indicators",
    "load_levers",
    "load_product",
    "monte_carlo",
    "monte_carlo_catalogue",
    "nox_by_period",
    "nox_cost",
    "nox_kg",
    "nox_not_covered",
    "nox_rate",
    "nox_rates",
    "nox_table",
    "pact_factors",
    "paint_activities",
    "partition_catalogue",
    "pedigree_gsd",
    "per_piece_factor",
    "prepare_catalogue",
    "prepare_product",
    "primary_data_share",
    "product_schema",
    "progress",
    "pull_footprints",
    "pulled_factors",
    "pulled_footprints",
    "read_bom",
    "read_mapping",
    "read_nox_rates",
    "read_pact",
    "save_chart",
    "ship_so2_factor",
    "substances",
    "suggest_levers",
    "supplier_footprints",
    "to_pact",
    "unit_registry",
    "use_decimal",
    "use_limits",
]
