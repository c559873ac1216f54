"""Published schemas: versioned JSON Schemas with $id, printed by the CLI, that the examples' outputs meet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import footprint as fp
from footprint.cli import main

jsonschema = pytest.importorskip("jsonschema")
ROOT = Path(__file__).parents[1]
NAMES = ("result", "product", "catalogue", "factors")


def printed(name: str) -> dict[str, object]:
    out = CliRunner().invoke(main, ["schema", name])
    assert out.exit_code == 0, out.output
    data: dict[str, object] = json.loads(out.stdout)
    return data


@pytest.mark.parametrize("name", NAMES)
def test_cli_prints_each_schema_with_a_versioned_id(name: str) -> None:
    """``footprint schema NAME`` prints a valid 2020-12 JSON Schema whose $id names it and its version
    (before, only the product schema existed, without a version)."""
    schema = printed(name)
    assert schema["$id"] == f"https://footprint.dev/schemas/{name}/1/schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_results_of_the_examples_meet_the_result_schema() -> None:
    """Every example product file meets the product schema (before, the schema declared amounts as objects
    while files write them as text: "1 piece"), and its result, as JSON, the result schema."""
    validator = jsonschema.Draft202012Validator(printed("result"))
    product_validator = jsonschema.Draft202012Validator(printed("product"))
    paths = sorted((ROOT / "examples").glob("*.yaml"))
    assert paths
    for path in paths:
        # as JSON would carry it: YAML's dates become ISO text
        product_validator.validate(
            json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        )
        result = fp.calculate(fp.load_product(path), fp.default_library(), prefolded="report")
        validator.validate(json.loads(result.model_dump_json()))


def test_catalogue_and_factor_outputs_meet_their_schemas() -> None:
    """The example catalogue's JSON and the bundled factors meet the catalogue and factors schemas; a
    document missing its input hash does not."""
    here = ROOT / "examples" / "catalogue"
    cat = fp.prepare_catalogue(here / "products.csv", here / "bom.csv", here / "activities.csv")
    doc = json.loads(fp.calculate_catalogue(cat, prefolded="report").model_dump_json())
    validator = jsonschema.Draft202012Validator(printed("catalogue"))
    validator.validate(doc)
    del doc["input_hash"]
    assert not validator.is_valid(doc)
    factors = [f.model_dump(mode="json", exclude_none=True) for f in fp.default_library()]
    jsonschema.Draft202012Validator(printed("factors")).validate(factors)
