"""A tour of emission factors: load the bundled library, search it, and convert activities.

python examples/factors_tour.py
"""

from __future__ import annotations

import footprint as fp

lib = fp.default_library()
print(f"{lib.name}: {len(lib)} factors, version {lib.version}\n")

# Search by words, category and region.
for f in lib.search("articulated 33t", category="freight"):
    print(f"{f.id:55} {f.co2e_per_unit():.5f} kg CO2e per {f.unit}  ({f.source.split('(')[0].strip()})")
print()

# One factor with its provenance: IPCC 2006 stationary diesel, per TJ, per gas.
diesel = lib["fuel.diesel.stationary.combustion.ipcc2006"]
print(diesel.name)
print("  gases per TJ:", diesel.gases)
print("  source:", diesel.source, "|", diesel.table, "| licence:", diesel.licence)
for gwp in ("AR6", "AR5", "AR5-fossil", "AR4"):
    print(f"  {gwp}: {diesel.co2e_per_unit(gwp):,.1f} kg CO2e per TJ")
print()

# 1,000 litres of diesel against a factor per TJ: the factor's declared density and net calorific value
# bridge volume to energy, and the result says so. The same fuel in kg, GJ or US gallons gives the same;
# energy states its heating-value basis, net as the IPCC factor is.
for activity in ("1000 L", "829.9 kg", "35.6857 GJ net", (264.172, "US_gallon")):
    e = fp.emissions(activity, diesel)
    print(
        f"  {e.activity_amount:>10,.4f} {e.activity_unit:<10} -> {e.kgco2e:,.2f} kg CO2e   via {', '.join(e.conversion.via) or 'units only'}"
    )
print()

# Net or gross: IPCC factors are per net energy (NCV), US EPA's per gross (HHV). 1,000 MJ of natural gas must
# say which it is; a factor refuses the other basis unless it declares the fuel's GCV/NCV ratio (DESNZ pairs do).
ipcc_gas = lib["fuel.natural_gas.stationary.combustion.ipcc2006"]
epa_gas = lib["fuel.natural_gas.stationary.combustion.mmbtu.epa"]
print(f"  1000 MJ net on IPCC: {fp.emissions('1000 MJ net', ipcc_gas).kgco2e:.2f} kg CO2e")
print(f"  1000 MJ gross on EPA: {fp.emissions('1000 MJ gross', epa_gas).kgco2e:.2f} kg CO2e")
try:
    fp.emissions("1000 MJ", epa_gas)
except fp.UnitError as exc:
    print("refused:", str(exc).split(";")[0])
wtt_gross = lib["fuel.natural_gas.wtt.per_kwh_gross.desnz2025"]
e = fp.emissions("1000 kWh net", wtt_gross, gwp="AR5")
print(f"  1000 kWh net on DESNZ's gross row: {e.kgco2e:.2f} kg CO2e via {', '.join(e.conversion.via)}")
print()

# A factor its source gave as CO2e under another GWP set is used under AR6 only when asked to.
grid = lib["electricity.grid.no.ember"]
try:
    fp.emissions("3200 kWh", grid)
except fp.GWPError as exc:
    print("refused:", str(exc).split(".")[0])
e = fp.emissions("3200 kWh", grid, prefolded="report")
print(f"  3200 kWh of Norwegian grid electricity: {e.kgco2e:.2f} kg CO2e (as published, {e.prefolded_gwp_set})")

# The library as a DataFrame.
df = lib.to_frame()
print()
print(df.groupby("category").size().rename("factors").to_string())
