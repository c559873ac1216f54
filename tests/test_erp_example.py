"""The SAP-style example (examples/erp/gate_valve*): its footprint derived by hand, and the journey of
docs/bom-import.md from the export to a PACT file and a report, run with the commands the page shows."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent
ERP = ROOT / "examples" / "erp"
LB = 0.45359237  # kg per pound (international yard and pound agreement, 1959)

# Net masses (kg) of the export's rows, times their quantities; make-parts at their own net weight.
F22_NET = 1480 + 410 + (38 - 1.5) + 2 * 4.5 + 96 + 38  # body, bonnet, gate less its 625 overlay, guides, adapter, ROV
S355_NET = 2 * 11.8  # padeyes
S4140 = 12 * 2.9 + 24 * 1.9 * LB + 2 * 1.2  # studs, nuts (LB), shackles: bought-in parts, gross = net
N718_NET = 2 * 6.2 + 28 + 2 * 0.120  # seats, stem, seat springs (120 G)
N625 = 1.5  # weld overlay wire, wholly in the gate
SS316 = 1.1 + 2 * 0.050 + 6.5 * 0.56 + 6 * 0.180 + 4.2 + 0.25  # gasket, grease fittings, tube (M x kg/M), fittings
NBR = 0.450  # packing (450 G)
PAINT = 22 * 1.45  # 22 L at 1.45 kg per L
ACTUATOR = 953.0  # the export's net weight of the bought-in actuator
PRODUCT_MASS = F22_NET + S355_NET + S4140 + N718_NET + N625 + SS316 + NBR + PAINT + ACTUATOR

# Gross (purchased) masses: raw-material quantities below the make-parts.
F22_GROSS = 2350 + 690 + 61 + 2 * 7.2 + 140 + 60  # forging bar and plate
S355_GROSS = 2 * 19.5
N718_GROSS = 2 * 0.35 * 52.1 + 0.9 * 52.1 + 2 * 0.120  # bar in M at 52.1 kg/M, springs bought at net

# Factors of the bundled library (kg CO2e per kg unless said), by id:
STEEL = 1.920  # material.steel.carbon.global.worldsteel2024, 1,920 kg CO2 / t
NI718, NI625 = 10.89, 12.56  # material.nickel-alloy.718 / 625.proxy.ni2020
SS = 1.950  # material.stainless.austenitic.scrap85.worldstainless2023
RUBBER = 3.3355719  # material.elastomer.nitrile.proxy.desnz2025
COATING = 3.17249932  # material.coating.epoxy-pu.proxy.desnz2025
GRID_NO = 0.03075  # electricity.grid.no.ember, per kWh
RECYCLING = 0.00468568  # waste.metal_scrap.recycling_closed_loop.desnz2025
HGV = 0.07576 + 3.571428571e-07 * 29.8 + 4.716981132e-06 * 273  # per t.km, gases x AR6 GWP100


def actuator_pcf() -> float:
    """The supplier's PCF per piece, as its PACT file states it."""
    doc = json.loads((ERP / "hydraulic_actuator.pact.json").read_text())
    return float(doc["pcf"]["pcfExcludingBiogenicUptake"]) / float(doc["pcf"]["declaredUnitAmount"])


@pytest.fixture(scope="module")
def result() -> fp.FootprintResult:
    """The example valve with its supplier's PACT file, as docs/bom-import.md computes it."""
    lib = fp.load_factors(ERP / "hydraulic_actuator.pact.json").merge(fp.default_library())
    return fp.calculate(fp.load_product(ERP / "gate_valve.yaml"), lib, prefolded="report")


def test_product_mass_by_hand(result: fp.FootprintResult) -> None:
    """3,188.84 kg: the parts' net weights and the actuator, not the purchased bar."""
    assert result.product_mass_kg == pytest.approx(PRODUCT_MASS, rel=1e-12)


def test_modules_by_hand(result: fp.FootprintResult) -> None:
    """A1: gross masses x material factors + the actuator's PCF; A3: plant electricity + machining scrap of the
    F22 and S355 make-parts recycled (their scrap scenario); A4: product mass x 350 km by truck; C3: steel net
    masses (F22, S355, 4140, 316 and the 953 kg actuator mapped to 4140) recycled."""
    a1 = (
        (F22_GROSS + S355_GROSS + S4140) * STEEL
        + N718_GROSS * NI718
        + N625 * NI625
        + SS316 * SS
        + NBR * RUBBER
        + PAINT * COATING
        + actuator_pcf()
    )
    a3 = 41000 * GRID_NO + ((F22_GROSS - F22_NET) + (S355_GROSS - S355_NET)) * RECYCLING
    a4 = PRODUCT_MASS / 1000 * 350 * HGV
    c3 = (F22_NET + S355_NET + S4140 + SS316 + ACTUATOR) * RECYCLING
    assert result.by_module["A1"] == pytest.approx(a1, rel=1e-9)
    assert result.by_module["A3"] == pytest.approx(a3, rel=1e-9)
    assert result.by_module["A4"] == pytest.approx(a4, rel=1e-9)
    assert result.by_module["C3"] == pytest.approx(c3, rel=1e-9)
    assert set(result.by_module) == {"A1", "A3", "A4", "C3"}


def test_primary_data_share_by_hand(result: fp.FootprintResult) -> None:
    """PACT's share over A1-A3: the metered plant electricity (primary) and the supplier's PCF weighted by its
    own primaryDataShare (as its PACT file states it), over the cradle-to-gate emissions."""
    doc = json.loads((ERP / "hydraulic_actuator.pact.json").read_text())
    own = float(doc["pcf"]["primaryDataShare"]) / 100
    assert result.primary_data_share == pytest.approx(
        (41000 * GRID_NO + actuator_pcf() * own) / result.cradle_to_gate_kgco2e, rel=1e-9
    )


def test_example_import_is_clean(result: fp.FootprintResult) -> None:
    """The export balances (every assembly within 5 % of its contents) and every bought-in item has a mass."""
    assert not [w for w in result.warnings if "mass balance" in w or "without a weight" in w or "not checked" in w]


def test_supplier_pact_file_is_the_projects_own_export() -> None:
    """The actuator's PACT file is footprint's export of examples/erp/supplier/hydraulic_actuator.yaml: its
    PCF is that product's A1-A3 (ids and timestamps differ from run to run)."""
    supplier = fp.calculate(
        fp.load_product(ERP / "supplier" / "hydraulic_actuator.yaml"), fp.default_library(), prefolded="report"
    )
    assert actuator_pcf() == pytest.approx(supplier.cradle_to_gate_kgco2e, rel=1e-12)


def journey() -> list[str]:
    """The ``footprint`` commands of the walkthrough in docs/bom-import.md, continuation lines joined."""
    text = (ROOT / "docs" / "bom-import.md").read_text()
    section = text.split("## Walkthrough: from an SAP export to a PACT file and a report", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:console|bash|sh)\n(.*?)```", section, flags=re.S)
    commands = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("footprint "):
                commands.append(line.strip())
    return commands


def test_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of the walkthrough runs in a copy of the repository's examples/erp and exits 0; the PACT file
    and the report it promises exist, and the PACT file holds the valve's A1-A3."""
    shutil.copytree(ERP, tmp_path / "examples" / "erp")
    monkeypatch.chdir(tmp_path)
    commands = journey()
    assert len(commands) >= 4
    for command in commands:
        out = CliRunner().invoke(main, shlex.split(command)[1:])
        assert out.exit_code == 0, f"{command}\n{out.output}"
    pf = json.loads((tmp_path / "gate_valve.pact.json").read_text())
    lib = fp.load_factors(ERP / "hydraulic_actuator.pact.json").merge(fp.default_library())
    valve = fp.calculate(fp.load_product(ERP / "gate_valve.yaml"), lib, prefolded="report")
    assert float(pf["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(valve.cradle_to_gate_kgco2e, rel=1e-9)
    assert (tmp_path / "gate_valve.html").stat().st_size > 0
