"""The bundled lever catalogue, suggestions from a product's hotspots, the waterfall and MACC charts and the
levers section of the HTML and Excel reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
VALVE_LEVERS = ROOT / "examples" / "levers" / "subsea_gate_valve.levers.yml"
LIBRARY = fp.default_library().merge(fp.lever_catalogue().factors)


def frame(kwh: float = 100.0) -> fp.Product:
    """A 100 kg carbon-steel frame (world average 1,920 kg CO2 per t: 192 kg CO2e) welded with ``kwh`` of German
    grid electricity (0.34206 kg CO2e/kWh, A3); both factors from the bundled library."""
    return fp.Product.model_validate({
        "id": "frame", "items": [{"id": "frame", "kind": "part", "material": "steel", "net_mass": "100 kg",
                                  "activities": [{"factor": "electricity.grid.de.ember", "quantity": f"{kwh} kWh"}]}],
        "materials": [{"id": "steel", "factor": "material.steel.carbon.global.worldsteel2024"}],
    })  # fmt: skip


def test_the_catalogue_cites_every_assumption_and_its_factors_exist() -> None:
    """Every entry has assumptions with a source; every factor its levers name is in the bundled library or in
    the catalogue's own factors, which carry a source and a licence."""
    cat = fp.lever_catalogue()
    assert {e.id for e in cat.entries} >= {"eaf-steel", "recycled-aluminium", "renewable-machining", "sea-final-leg"}
    for entry in cat.entries:
        assert entry.assumptions
        assert all(a.source for a in entry.assumptions)
        targets = [entry.lever["to"]] if "to" in entry.lever else list((entry.to_by or {}).values())
        assert targets
        assert all(t in LIBRARY for t in targets), entry.id
    for f in cat.factors:
        assert f.source
        assert f.licence
        assert f.source_url


def test_suggestions_from_hotspots_by_hand() -> None:
    """The frame: steel 192 kg CO2e, electricity 34.206 (15.1 % of 226.206). EAF steel is suggested for the
    material that uses the world-average factor and saves 0.1 t x (1,920 - 700) = 122 kg CO2e; renewable
    electricity for A1/A3 saves 100 x (0.34206 - 0.011) = 33.106."""
    levers = fp.suggest_levers(frame(), LIBRARY)
    assert [lv.name for lv in levers] == ["eaf-steel", "renewable-machining"]
    assert levers[0].scope.materials == ["steel"]
    assert "worldsteel" in (levers[0].evidence or "").lower() or "World Steel" in (levers[0].evidence or "")
    res = fp.evaluate_levers(frame(), levers, LIBRARY, iterations=20)
    rows = {r["name"]: r for r in res.rows}
    assert rows["eaf-steel"]["saving_kgco2e"] == pytest.approx(122.0, rel=1e-12)
    assert rows["renewable-machining"]["saving_kgco2e"] == pytest.approx(100 * (0.34206 - 0.011), rel=1e-12)


def test_min_share_leaves_out_small_hotspots() -> None:
    """Electricity holds 34.206 / 226.206 = 15.1 % of the frame's total: at min_share 0.16 it is left out."""
    assert [lv.name for lv in fp.suggest_levers(frame(), LIBRARY, min_share=0.15)] == ["eaf-steel",
                                                                                     "renewable-machining"]  # fmt: skip
    assert [lv.name for lv in fp.suggest_levers(frame(), LIBRARY, min_share=0.16)] == ["eaf-steel"]
    with pytest.raises(fp.LeverError, match="min_share"):
        fp.suggest_levers(frame(), LIBRARY, min_share=1.5)


def test_cli_suggest_evaluates_the_suggested_levers() -> None:
    """--suggest without a lever file: the valve's suggestions (EAF steel for its forgings) evaluated."""
    out = CliRunner().invoke(main, ["levers", str(VALVE), "--suggest", "--format", "json", "--iterations", "50",
                                    "--prefolded", "report"])  # fmt: skip
    assert out.exit_code == 0, out.output
    names = [r["name"] for r in json.loads(out.output)["levers"]]
    assert "eaf-steel" in names
    bad = CliRunner().invoke(main, ["levers", str(VALVE)])
    assert bad.exit_code != 0
    assert "--levers" in bad.output


@pytest.fixture(scope="module")
def valve_levers() -> fp.LeverResult:
    return fp.evaluate_levers(fp.load_product(VALVE), fp.load_levers(VALVE_LEVERS), fp.default_library(),
                              combine="all", iterations=100)  # fmt: skip


def test_waterfall_steps_add_up_to_the_combination(valve_levers: fp.LeverResult) -> None:
    """Bars: baseline, the seven levers alone (largest saving first), the interaction, all together; the
    baseline minus every saving plus the interaction is the combined scenario (to rounding)."""
    fig = fp.chart_waterfall(valve_levers, unit="kg")
    bars = fig.axes[0].containers[0]
    heights = [b.get_height() for b in bars]
    singles = [r for r in valve_levers.ranked("saving") if r["kind"] != "combination"]
    combined = next(r for r in valve_levers.rows if r["kind"] == "combination")
    assert len(bars) == 1 + len(singles) + 2
    assert heights[0] == pytest.approx(valve_levers.baseline_kgco2e)
    assert heights[1:-2] == pytest.approx([r["saving_kgco2e"] for r in singles])
    assert heights[0] - sum(heights[1:-2]) + heights[-2] == pytest.approx(combined["scenario_kgco2e"], rel=1e-9)
    assert heights[-1] == pytest.approx(combined["scenario_kgco2e"])


def test_macc_widths_are_savings_and_heights_costs(valve_levers: fp.LeverResult) -> None:
    """One bar per costed lever that saves, cheapest t CO2e first: width its saving in t, height its cost."""
    fig = fp.chart_macc(valve_levers)
    bars = list(fig.axes[0].containers[0])
    costed = sorted((r for r in valve_levers.rows if r["kind"] != "combination" and r["cost_per_tco2e"]),
                    key=lambda r: r["cost_per_tco2e"])  # fmt: skip
    assert [b.get_width() for b in bars] == pytest.approx([r["saving_kgco2e"] / 1000 for r in costed])
    assert [b.get_height() for b in bars] == pytest.approx([r["cost_per_tco2e"] for r in costed])


def test_macc_needs_one_currency() -> None:
    """Levers costed in EUR and NOK: the curve asks which currency; with one, only that currency's levers."""
    levers = [fp.Lever.model_validate({"name": n, "kind": "substitute_factor", "from": "electricity.grid.de.ember",
                                       "to": t, "cost": {"currency": c, "per_unit": 10}})
              for n, t, c in (("no", "electricity.grid.no.ember", "NOK"), ("se", "electricity.grid.se.ember", "EUR"))]  # fmt: skip
    res = fp.evaluate_levers(frame(), levers, LIBRARY, iterations=10)
    with pytest.raises(fp.InputError, match="several currencies"):
        fp.chart_macc(res)
    assert len(fp.chart_macc(res, currency="EUR").axes[0].containers[0]) == 1


def test_reports_have_a_levers_section(valve_levers: fp.LeverResult, tmp_path: Path) -> None:
    """The HTML report lists every lever with the waterfall and the MACC; the workbook has a Levers sheet with
    one row per scenario."""
    import openpyxl

    product = fp.load_product(VALVE)
    lib = fp.default_library()
    result = fp.calculate(product, lib, prefolded="report")
    html = fp.html_report(result, lib, product=product, levers=valve_levers)
    assert 'id="levers"' in html
    assert all(r["name"] in html for r in valve_levers.rows)
    assert html.count("<svg") >= 4  # modules, hotspots, waterfall, MACC
    path = fp.excel_report(result, tmp_path / "r.xlsx", lib, levers=valve_levers)
    ws = openpyxl.load_workbook(path)["Levers"]
    assert ws.max_row == 1 + len(valve_levers.rows)
    assert ws.cell(1, 1).value == "lever"


def test_ranking_by_cost_needs_one_currency() -> None:
    """ranked("cost") over levers costed in two currencies is an error unless a currency is given; with one,
    the other currency's levers go last, like uncosted ones."""
    levers = [fp.Lever.model_validate({"name": n, "kind": "substitute_factor", "from": "electricity.grid.de.ember",
                                       "to": t, "cost": {"currency": c, "per_unit": 10}})
              for n, t, c in (("no", "electricity.grid.no.ember", "NOK"), ("se", "electricity.grid.se.ember", "EUR"))]  # fmt: skip
    res = fp.evaluate_levers(frame(), levers, LIBRARY, iterations=10)
    with pytest.raises(fp.LeverError, match="several currencies"):
        res.ranked("cost")
    assert [r["name"] for r in res.ranked("cost", currency="EUR")] == ["se", "no"]


def test_cli_rank_by_cost_in_one_currency(tmp_path: Path) -> None:
    """Levers costed in EUR and NOK: --rank cost needs --currency (a named error without), then ranks that
    currency's levers first."""
    levers = {"levers": [{"name": n, "kind": "substitute_factor", "from": "electricity.grid.de.ember", "to": t,
                          "cost": {"currency": c, "per_unit": 10}}
                         for n, t, c in (("no", "electricity.grid.no.ember", "NOK"),
                                         ("se", "electricity.grid.se.ember", "EUR"))]}  # fmt: skip
    (tmp_path / "levers.json").write_text(json.dumps(levers))
    (tmp_path / "frame.json").write_text(frame().model_dump_json(exclude_none=True))
    args = ["levers", str(tmp_path / "frame.json"), "--levers", str(tmp_path / "levers.json"), "--rank", "cost",
            "--iterations", "10", "--format", "json"]  # fmt: skip
    bad = CliRunner().invoke(main, args)
    assert bad.exit_code != 0
    assert "several currencies" in bad.output
    out = CliRunner().invoke(main, [*args, "--currency", "EUR"])
    assert out.exit_code == 0, out.output
    assert [r["name"] for r in json.loads(out.output)["levers"]] == ["se", "no"]
