"""Write each route's fit on the shipped rows into the package as numbers (issue 85, item 5): what a query reads on a
fresh install, with numpy alone (kapitza.prediction.expected.stored says how, and when it is read).

Run after anything in kapitza.prediction.expected.stored.FIT_INPUTS changed (the compilation, the records, the name
and stack tables, the structure descriptors, the code of the rows and of the fit); tests/prediction/
test_expected_shipped.py fails until then:

    PYTHONPATH=src python -m calibration.ship_fits        (from scripts/; a few seconds)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from kapitza.prediction.expected import stored
from kapitza.prediction.expected.procedure import fit
from kapitza.prediction.expected.rows import ALL_ROUTES, expected_rows


def write_shipped(route: str) -> Path:
    """Fit ``route`` on its shipped rows and write the fit into the package (stored.SHIPPED_FIT) with the digest of
    stored.FIT_INPUTS, whole or not at all (a temporary file beside it, then renamed).  Returns the path written."""
    rows = expected_rows(route)
    fitted = fit(route, rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
                 names=rows.names)  # fmt: skip
    arrays = stored.fitted_arrays(fitted, stored.summary_of(rows))
    arrays["inputs"] = np.array(stored.inputs_digest())
    path = stored._shipped_path(route)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez_compressed(out, **arrays)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def main() -> int:
    for route in ALL_ROUTES:
        path = write_shipped(route)
        print(f"{route}: {path.name}, {path.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
