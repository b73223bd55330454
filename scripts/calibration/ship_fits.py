"""Write each route's fit on the shipped rows into the package as numbers (issue 85, item 5): what a query reads on a
fresh install, with numpy alone (kapitza.prediction.expected.stored says how, and when it is read).

Run after anything in kapitza.prediction.expected.stored.FIT_INPUTS changed (the compilation, the records, the name
and stack tables, the structure descriptors, the code of the rows and of the fit); tests/prediction/
test_expected_shipped.py fails until then:

    PYTHONPATH=src python -m calibration.ship_fits        (from scripts/; a few seconds)
"""

from __future__ import annotations

import sys

from kapitza.prediction.expected.rows import ALL_ROUTES
from kapitza.prediction.expected.stored import write_shipped


def main() -> int:
    for route in ALL_ROUTES:
        path = write_shipped(route)
        print(f"{route}: {path.name}, {path.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
