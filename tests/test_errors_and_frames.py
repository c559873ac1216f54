"""Every error for bad input or misuse is a FootprintError; factor tables come in and go out as DataFrames."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def factor(**kw: Any) -> fp.EmissionFactor:
    fields: dict[str, Any] = {"id": "steel", "name": "s", "category": "material", "unit": "kg", "gases": {"CO2": 2.0}}
    return fp.EmissionFactor(**{**fields, **PROV, **kw})


def test_duplicate_factor_ids_raise_a_factor_error() -> None:
    """Two factors with one id in a library: a FactorError naming the id (a plain ValueError before)."""
    with pytest.raises(fp.FactorError) as info:
        fp.FactorLibrary([factor(), factor(name="other")])
    assert info.value.problems[0].value == "steel"


def test_a_factor_built_by_hand_raises_a_factor_error() -> None:
    """A bad id or a gases field that is no mapping: FactorError with the field (pydantic's error before)."""
    with pytest.raises(fp.FactorError) as info:
        factor(id="Bad Id")
    assert info.value.problems[0].field == "id"
    with pytest.raises(fp.FactorError, match="gases"):
        factor(gases="lots")


def test_a_product_built_by_hand_raises_a_product_error() -> None:
    """Product models built in code report their fields as ProductError."""
    with pytest.raises(fp.ProductError, match="id"):
        fp.Product(id=5)  # type: ignore[arg-type]


def test_recording_a_catalogue_result_is_not_a_type_error(tmp_path: Path) -> None:
    """Ledger.record with something that is no result raises a FootprintError (a bare TypeError before)."""
    with fp.Ledger(tmp_path / "l.db") as ledger, pytest.raises(fp.UsageError, match="result"):
        ledger.record("not a result", "2025")  # type: ignore[arg-type]


def _public_calls(tmp: str) -> dict[str, Callable[[Any], object]]:
    """Public functions and methods, each given the fuzzed value where it expects something else."""
    lib = fp.FactorLibrary([factor()], name="t")
    product = fp.Product(id="p", items=[fp.Item(id="p", kind="part", material="m", net_mass="1 kg")],
                         materials=[fp.Material(id="m", factor="steel")])  # fmt: skip
    result = fp.calculate(product, lib)
    empty = pd.DataFrame()
    return {
        "FactorLibrary": fp.FactorLibrary,
        "FactorLibrary.merge": lib.merge,
        "FactorLibrary.search": lib.search,
        "FactorLibrary.get": lib.get,
        "EmissionFactor": lambda v: factor(unit=v),
        "emissions(factor)": lambda v: fp.emissions("1 kg", v),
        "emissions(activity)": lambda v: fp.emissions(v, lib["steel"]),
        "load_factors": fp.load_factors,
        "load_product": fp.load_product,
        "gwp_set": fp.gwp_set,
        "calculate(product)": lambda v: fp.calculate(v, lib),
        "calculate(library)": lambda v: fp.calculate(product, v),
        "calculate(gwp)": lambda v: fp.calculate(product, lib, gwp=v),
        "prepare_catalogue": lambda v: fp.prepare_catalogue(v, empty, empty, lib),
        "prepare_catalogue(library)": lambda v: fp.prepare_catalogue(empty, empty, empty, v),
        "calculate_catalogue": fp.calculate_catalogue,
        "compare": lambda v: fp.compare(result, v),
        # text is a path: kept inside the temporary folder
        "Ledger": lambda v: fp.Ledger(os.path.join(tmp, v.replace("/", "_") or "x") if isinstance(v, str) else v),
        "Ledger.record": lambda v: fp.Ledger(os.path.join(tmp, "l.db")).record(v, "2025"),
        "footprint_table": fp.footprint_table,
        "supplier_footprints": lambda v: fp.supplier_footprints(fp.footprint_table([result]), v),
        "read_bom": fp.read_bom,
        "read_pact": fp.read_pact,
        "Q_": lambda v: fp.Q_(v, "kg"),
        "conversion_factor": lambda v: fp.conversion_factor("kg", v),
        "excel_report": lambda v: fp.excel_report(v, os.path.join(tmp, "r.xlsx")),
    }


WRONG = st.one_of(
    st.integers(-3, 3), st.floats(allow_nan=True), st.none(), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.just(object()),
    st.sampled_from(["", "AR7", "nope.yaml", "12 furlongs!!", "\x00"]),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(value=WRONG, data=st.data())
def test_fuzz_the_public_api_with_wrong_types(tmp_path_factory: pytest.TempPathFactory, value: Any, data: Any) -> None:
    """Whatever wrong type or value a public function gets, it either works or raises a FootprintError:
    never a bare TypeError, AttributeError or pydantic ValidationError."""
    tmp = str(tmp_path_factory.mktemp("fuzz"))
    calls = _public_calls(tmp)
    name = data.draw(st.sampled_from(sorted(calls)))
    try:
        calls[name](value)
    except fp.FootprintError:
        pass
    except Exception as exc:  # pragma: no cover - the failure report
        pytest.fail(f"{name}({value!r}) raised {type(exc).__name__}: {exc}")


def test_factor_frames_round_trip_through_csv(tmp_path: Path) -> None:
    """A library's to_frame() written to CSV reads back to the same factors (refused before:
    "unknown column 'kgco2e_ar6'"), and so does the DataFrame itself."""
    lib = fp.default_library()
    path = tmp_path / "factors.csv"
    lib.to_frame().to_csv(path, index=False)
    back = fp.load_factors(path)
    assert back.version == lib.version
    assert list(back) == list(lib)
    from_frame = fp.FactorLibrary.from_frame(lib.to_frame(), name="copy")
    assert list(from_frame) == list(lib)
    assert list(fp.load_factors(lib.to_frame())) == list(lib)


def test_frames_get_the_same_checks_as_files() -> None:
    """A DataFrame of factors with a misspelt column and a negative value: both reported, at DataFrame
    positions; a derived kgco2e_ar6 that disagrees with the gases is refused."""
    df = pd.DataFrame([{"id": "a", "name": "A", "category": "material", "unit": "kg", "kg_CO2": 1.0, **PROV},
                       {"id": "b", "name": "B", "category": "material", "unit": "kg", "kg_CO2": -1.0, **PROV}])  # fmt: skip
    with pytest.raises(fp.FactorFileError) as info:
        fp.FactorLibrary.from_frame(df.rename(columns={"licence": "licnce"}))
    text = str(info.value)
    assert "did you mean 'licence'" in text
    assert "position 1" in text
    df["kgco2e_ar6"] = [1.0, 5.0]  # 1 kg CO2 is 1 kg CO2e under AR6, not 5
    df.loc[1, "kg_CO2"] = 1.0
    with pytest.raises(fp.FactorFileError, match="kgco2e_ar6"):
        fp.load_factors(df)
