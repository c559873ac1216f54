"""Models users build in code raise footprint's own errors, never pydantic's ValidationError."""

from __future__ import annotations

import pydantic
import pytest

import footprint as fp

# Models footprint builds and hands out (results, records, reports of what was read): read back from JSON
# through their own readers (``model_validate_json`` of a result, the ledger), which wrap pydantic's errors.
BUILT_BY_FOOTPRINT = {
    "BomImport", "Contribution", "DataQuality", "Emissions", "FootprintResult", "IndicatorResult", "Snapshot",
}  # fmt: skip

# What users build: each model and the error it must raise for a bad field.
EXPECTED = {
    "Amount": fp.ProductError,
    "Conversion": fp.FactorError,
    "ErpRules": fp.InputError,
    "Lever": fp.LeverError,
    "LeverCost": fp.LeverError,
    "LeverFile": fp.LeverError,
    "LeverScope": fp.LeverError,
    "Uncertainty": fp.FactorError,
}


def public_models() -> list[str]:
    return [
        n for n in fp.__all__ if isinstance(getattr(fp, n), type) and issubclass(getattr(fp, n), pydantic.BaseModel)
    ]


@pytest.mark.parametrize("name", sorted(set(public_models()) - BUILT_BY_FOOTPRINT))
def test_a_model_built_with_a_bad_field_raises_a_footprint_error(name: str) -> None:
    """An unknown field (or a missing one) is a FootprintError naming the model, for every public model users
    build: Amount, ErpRules, Uncertainty, Conversion and the lever models raised pydantic's ValidationError."""
    cls = getattr(fp, name)
    with pytest.raises(fp.FootprintError) as info:
        cls(no_such_field=1)
    assert not isinstance(info.value, pydantic.ValidationError)
    assert name in str(info.value)
    if name in EXPECTED:
        assert isinstance(info.value, EXPECTED[name])


def test_bad_values_name_the_field() -> None:
    """Values that break a model's rule are refused with the field and the rule."""
    with pytest.raises(fp.FactorError, match="lognormal needs gsd >= 1"):
        fp.Uncertainty(distribution="lognormal", gsd=0.5)
    with pytest.raises(fp.InputError, match="material_type"):
        fp.ErpRules(material_type=3)  # type: ignore[arg-type]
    with pytest.raises(fp.LeverError, match="currency"):
        fp.LeverCost(amount=5.0, currency=None)
    with pytest.raises(fp.ProductError):
        fp.Amount(value=float("nan"), unit="kg")


def test_the_lists_above_are_current() -> None:
    assert set(EXPECTED) | BUILT_BY_FOOTPRINT <= set(public_models())
