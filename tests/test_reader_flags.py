"""Flags written for the reader of a report: what a proxy stands in for, repeated warnings grouped."""

from __future__ import annotations

import footprint as fp

LIB = fp.default_library()


def product(region: str | None) -> fp.Product:
    """A rubber seal and a coated steel part: the rubber and coating factors are DESNZ proxies for region GB."""
    return fp.Product(
        id="p",
        region=region,
        items=[
            fp.Item(id="p", children=[fp.Child(item="seal"), fp.Child(item="plate")]),
            fp.Item(id="seal", kind="part", material="nbr", net_mass="2 kg"),
            fp.Item(id="plate", kind="part", material="paint", net_mass="3 kg"),
        ],
        materials=[
            fp.Material(id="nbr", factor="material.elastomer.nitrile.proxy.desnz2025"),
            fp.Material(id="paint", factor="material.coating.epoxy-pu.proxy.desnz2025"),
        ],
    )


def test_region_warnings_are_grouped() -> None:
    """Two factors for GB in a Norwegian product make one warning naming both, not one warning each."""
    warnings = fp.calculate(product("NO"), LIB, prefolded="report").warnings
    region = [w for w in warnings if "region GB" in w]
    assert len(region) == 1
    assert "material.elastomer.nitrile.proxy.desnz2025" in region[0]
    assert "material.coating.epoxy-pu.proxy.desnz2025" in region[0]
    assert region[0].startswith("2 factors are for region GB")


def test_proxy_flag_says_what_the_proxy_is() -> None:
    """The proxy flag names the factor by its name (which says what stands in), not a command to run."""
    result = fp.calculate(product(None), LIB, prefolded="report")
    flags = [f for f in fp.data_quality(result, LIB).flags if "nitrile" in f]
    assert len(flags) == 1
    assert "footprint factors show" not in flags[0]
    assert "proxy from DESNZ tyres" in flags[0]


def test_report_names_items_and_materials_and_shows_product_level_work() -> None:
    """The HTML report's hotspot tables show descriptions beside the ERP codes, and the root's row (plant
    electricity, transport) as the product as a whole, not as a component."""
    from pathlib import Path

    erp = Path(__file__).resolve().parent.parent / "examples" / "erp"
    lib = fp.load_factors(erp / "hydraulic_actuator.pact.json").merge(LIB)
    valve = fp.load_product(erp / "gate_valve.yaml")
    html = fp.html_report(fp.calculate(valve, lib, prefolded="report"), lib, product=valve)
    assert "Body, machined, F22" in html
    assert "Low-alloy steel F22 (ASTM A182)" in html
    assert "the product as a whole" in html


def test_materials_without_end_of_life_are_one_warning() -> None:
    """Two materials without an end-of-life scenario make one warning naming both, not one each."""
    product = fp.Product.model_validate(
        {
            "id": "p",
            "items": [
                {"id": "p", "children": [{"item": "a"}, {"item": "b"}]},
                {"id": "a", "kind": "part", "material": "m1", "net_mass": "1 kg"},
                {"id": "b", "kind": "part", "material": "m2", "net_mass": "1 kg"},
            ],
            "materials": [
                {"id": "m1", "factor": "material.steel.carbon.global.worldsteel2024"},
                {"id": "m2", "factor": "material.steel.carbon.global.worldsteel2024"},
            ],
        }
    )
    eol = [w for w in fp.calculate(product, LIB).warnings if "end-of-life" in w]
    assert eol == ["2 materials have no end-of-life scenario, so modules C and D leave them out: m1, m2"]


def test_data_quality_region_flags_are_grouped() -> None:
    """The data-quality flags name factors from another region once per region, not once per factor."""
    result = fp.calculate(product("NO"), LIB, prefolded="report")
    flags = [f for f in fp.data_quality(result, LIB, region="NO").flags if "region GB" in f]
    assert flags == [
        "2 factors are for region GB, the product's is NO: material.elastomer.nitrile.proxy.desnz2025, "
        "material.coating.epoxy-pu.proxy.desnz2025"
    ]


def test_calc_table_says_what_each_row_is() -> None:
    """``footprint calc`` names each of the largest contributions (item description and material name beside the
    ERP codes) and marks the product's own work as product level."""
    from pathlib import Path

    from click.testing import CliRunner

    from footprint.cli import main

    erp = Path(__file__).resolve().parent.parent / "examples" / "erp"
    out = CliRunner().invoke(
        main,
        ["calc", str(erp / "gate_valve.yaml"), "--factors", str(erp / "hydraulic_actuator.pact.json"),
         "--prefolded", "report"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "Body, machined, F22: Low-alloy steel F22 (ASTM A182)" in out.output
    assert "SGV-7116-10K (product level)" in out.output
