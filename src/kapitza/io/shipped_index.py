"""The SHA-256 of the shipped index (``phonons/data/shipped/index.json``), recorded in the code so that an edited
index is refused whole (:mod:`kapitza.io.shipped`).  Written by ``scripts/ship_crystals.py``; do not edit by hand."""

#: SHA-256 (hex) of the bytes of ``phonons/data/shipped/index.json``; empty: nothing shipped.
INDEX_SHA256 = "d569425d3c10b93f15e0d704212bcc6fe292cdf142be978868f366086794893c"
