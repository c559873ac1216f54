"""PACT both ways: the subsea gate valve exported as a PACT 3.0.3 footprint for a customer, checked as a
customer would check it, and read back as a supplier factor in a skid that buys two valves.

    python examples/pact_exchange.py

The carbon content and the company are inputs of this example (PACT requires fossilCarbonContent and
footprint does not assume it): about 2000 kg of AISI 4130 forgings at 0.3 % carbon is 6.1 kg C per valve.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import footprint as fp

HERE = Path(__file__).resolve().parent

lib = fp.default_library()
valve = fp.load_product(HERE / "subsea_gate_valve.yaml")
result = fp.calculate(valve, lib)
doc = fp.to_pact(
    result,
    company_name="Valve maker AS",
    company_ids=["valve-maker"],
    company_domain="valve-maker.example",
    reference_period=valve.reference_period,
    geography=valve.region,  # "NO": the footprint is Norwegian, not global
    library=lib,
    fossil_carbon_content=6.1,
    product_category_cpc="43924",  # UN CPC 43924: valves
    created=datetime(2026, 2, 1, tzinfo=UTC),
)
pcf = doc["pcf"]
print(f"PACT {doc['specVersion']} footprint {doc['id']}: {pcf['pcfExcludingBiogenicUptake']} kg CO2e per piece")
print(f"  geography {pcf['geographyCountry']}, DQI {pcf.get('dqi')}, primary data {pcf['primaryDataShare']} %")
print("  secondary emission factor sources:")
for src in pcf["secondaryEmissionFactorSources"]:
    print(f"    - {src['name'][:70]} ({src['version']})")

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "valve.pact.json"
    path.write_text(json.dumps({"data": [doc]}, indent=2), encoding="utf-8")
    (checked,) = fp.read_pact(path)  # the customer's check: schema and the rules across fields
    suppliers = fp.pact_factors([checked])
    (factor,) = list(suppliers)
    skid = fp.Product.model_validate(
        {
            "id": "skid",
            "declared_unit": "1 piece",
            "items": [{"id": "skid", "activities": [{"factor": factor.id, "quantity": "2 piece", "primary": True}]}],
        }
    )
    res = fp.calculate(skid, suppliers.merge(lib))
    print(f"A skid of two valves ({factor.id}): {res.cradle_to_gate_kgco2e:,.1f} kg CO2e cradle to gate")
    # the skid re-exported: the valve maker's declared emissions and DQI carried through, scaled by use (x 2)
    skid_pcf = fp.to_pact(
        res,
        company_name="Skid builder AS",
        company_ids=["skid-builder"],
        company_domain="skid-builder.example",
        reference_period=valve.reference_period,
        fossil_carbon_content=12.2,
        product_mass_per_declared_unit=2 * float(pcf["productMassPerDeclaredUnit"]),
        upstream=[checked],
        created=datetime(2026, 3, 1, tzinfo=UTC),
    )["pcf"]
    print(
        f"  re-exported: fossil {skid_pcf['fossilGhgEmissions']} kg CO2e (the valve's {pcf['fossilGhgEmissions']} x 2)"
    )
    print(f"  DQI {skid_pcf.get('dqi')}, as the valve maker rated it")
