"""The SHA-256 of the shipped index (``phonons/data/shipped/index.json``), recorded in the code so that an edited
index is refused whole (:mod:`kapitza.io.shipped`).  Written by ``scripts/ship_crystals.py``; do not edit by hand."""

#: SHA-256 (hex) of the bytes of ``phonons/data/shipped/index.json``; empty: nothing shipped.
INDEX_SHA256 = "d6fe141a24b8ed73097b8c1d59647c860d4fefa699be9bb27c6805ff3c165207"
