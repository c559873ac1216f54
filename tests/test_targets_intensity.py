"""Cluster and supplier targets as intensities (per tonne, per piece, per unit of revenue) and for A1-A3, from
the API and the command line's --target text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import footprint as fp
from footprint.cli import _target

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="grid", name="g", category="electricity", unit="kWh", gases={"CO2": 0.1}, **PROV),
    ]
)
# A valve of 150 kg steel (300 kg CO2e, A1) with 100 kWh of decommissioning power in C1 (10 kg CO2e).
VALVE = fp.Product.model_validate(
    {
        "id": "GV-1",
        "supplier": "Valve AS",
        "items": [
            {"id": "valve", "children": [{"item": "body"}],
             "activities": [{"factor": "grid", "quantity": "100 kWh", "module": "C1"}]},
            {"id": "body", "kind": "part", "material": "steel", "net_mass": "150 kg"},
        ],
        "materials": [{"id": "steel", "factor": "steel"}],
    }
)  # fmt: skip


def footprints() -> fp.SupplierFootprints:
    """10 valves in 2024 for 100,000 EUR; 20 in 2025 for 180,000 EUR (volume doubled)."""
    d = pd.DataFrame(
        {
            "product": ["GV-1", "GV-1"],
            "period": ["2024", "2025"],
            "quantity": [10.0, 20.0],
            "revenue": [100_000.0, 180_000.0],
            "currency": ["EUR", "EUR"],
        }
    )
    return fp.supplier_footprints(fp.footprint_table({"GV-1": fp.calculate(VALVE, LIB)}), d)


def test_per_piece_target_for_a1_a3() -> None:
    """A1-A3 per piece: 300 in both years (the C1 power left out); doubling volume is not a miss. Absolute
    A1-C4: 3,100 then 6,200, 100 % above the baseline."""
    sf = footprints()
    t = fp.Target(scope="Valve AS", baseline_period="2024", target_period="2030", reduction=0.3,
                  metric="per_piece", modules="A1-A3")  # fmt: skip
    p = fp.progress(sf, t)
    assert p["value"].tolist() == pytest.approx([300.0, 300.0], rel=1e-12)
    absolute = fp.progress(sf, fp.Target(scope="Valve AS", baseline_period="2024", target_period="2030", reduction=0.3))
    assert absolute["value"].tolist() == pytest.approx([3100.0, 6200.0], rel=1e-12)


def test_per_revenue_and_per_tonne_targets() -> None:
    """Per EUR: 3,100 / 100,000 then 6,200 / 180,000 (on track: the straight path allows 0.031 x (1 - 0.3 / 6));
    per tonne A1-A3: 3,000 / 1.5 t = 2,000 in both years."""
    sf = footprints()
    eur = fp.progress(sf, fp.Target(scope="Valve AS", baseline_period="2024", target_period="2030", reduction=0.3,
                                    metric="per_revenue", currency="EUR"))  # fmt: skip
    assert eur["value"].tolist() == pytest.approx([0.031, 6200 / 180_000], rel=1e-12)
    assert bool(eur.loc["2025", "on_track"]) is (6200 / 180_000 <= 0.031 * (1 - 0.3 / 6))
    per_t = fp.progress(sf, fp.Target(scope="Valve AS", baseline_period="2024", target_period="2030", reduction=0.3,
                                      metric="per_tonne", modules="A1-A3"))  # fmt: skip
    assert np.allclose(per_t["value"].to_numpy(), [2000.0, 2000.0], rtol=1e-12)


def test_cli_target_text() -> None:
    """--target reads LEVEL, METRIC and MODULES after the reduction; per_NOK is revenue in NOK."""
    t = _target("North Sea,2023,2030,0.3,cluster,per_tonne,A1-A3")
    assert (t.level, t.metric, t.modules, t.currency) == ("cluster", "per_tonne", "A1-A3", None)
    t = _target("Valve AS,2023,2030,0.3,supplier,per_NOK")
    assert (t.metric, t.currency, t.modules) == ("per_revenue", "NOK", "A1-C4")
    assert _target("Valve AS,2023,2030,0.3").metric == "absolute"


def test_revenue_target_needs_a_currency() -> None:
    """A per-revenue target without a currency is refused (revenues in several currencies cannot be added)."""
    with pytest.raises(ValueError, match="currency"):
        fp.Target(scope="x", baseline_period="2024", target_period="2030", reduction=0.3, metric="per_revenue")


def test_supplier_report_labels_intensity_targets() -> None:
    """The HTML supplier report names a per-piece A1-A3 target as such, with its unit."""
    t = fp.Target(scope="Valve AS", baseline_period="2024", target_period="2030", reduction=0.3,
                  metric="per_piece", modules="A1-A3")  # fmt: skip
    html = fp.html_supplier_report(footprints(), targets=[t])
    assert "kg CO₂e per piece delivered (A1–A3)" in html
    assert "kg CO2e/piece" in html
