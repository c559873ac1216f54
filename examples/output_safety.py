"""What footprint writes when the files it reads are hostile or careless: names that stay in their folder,
formulas that never run, overflowing numbers refused with where they came from.

    python examples/output_safety.py

Works in a temporary folder and removes it at the end.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import footprint as fp

HOSTILE = """id: ../../etc/passwd
declared_unit: 1 piece
items:
  - {id: body, name: '=HYPERLINK("http://127.0.0.1/","click")', kind: part, material: steel, net_mass: 120 kg}
materials:
  - {id: steel, factor: material.steel.carbon.global.worldsteel2024}
"""

with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp)
    (folder / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    valve = Path(__file__).parent / "subsea_gate_valve.yaml"

    # 1. Two products exported into one folder: each file is named after its product id, and the id
    #    '../../etc/passwd' becomes a plain name inside the folder (a slug and a hash of the whole id).
    out = folder / "exports"
    cmd = [sys.executable, "-m", "footprint.cli", "export", str(valve), str(folder / "hostile.yaml")]
    subprocess.run([*cmd, "--to", "csv", "-o", str(out), "--prefolded", "report"], check=True, capture_output=True)
    for path in sorted(out.iterdir()):
        print(f"wrote {path.relative_to(folder)}")

    # 2. The part name would run as a formula in a spreadsheet; in the CSV it starts with an apostrophe.
    hostile_csv = next(out.glob("etc-passwd-*.csv"))
    row = next(line for line in hostile_csv.read_text(encoding="utf-8").splitlines() if "HYPERLINK" in line)
    print("CSV row:", row[:80], "...")

    # 3. A mass of 1e308 kg is a finite number, but its kg CO2e is not: refused, naming the item and factor.
    big = folder / "big.yaml"
    big.write_text(HOSTILE.replace("120 kg", "1e308 kg"), encoding="utf-8")
    try:
        fp.calculate(fp.prepare_product(fp.load_product(big), file=str(big)), prefolded="report")
    except fp.NonFiniteError as exc:
        print("refused:", exc.problems[0].field, "-", exc.problems[0].message[:90], "...")
