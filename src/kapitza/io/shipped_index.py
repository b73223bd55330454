"""The SHA-256 of the shipped index (``phonons/data/shipped/index.json``), recorded in the code so that an edited
index is refused whole (:mod:`kapitza.io.shipped`).  Written by ``scripts/ship_crystals.py``; do not edit by hand."""

#: SHA-256 (hex) of the bytes of ``phonons/data/shipped/index.json``; empty: nothing shipped.
INDEX_SHA256 = "e9212dcf8597596a16a7fe3c86f46287fca22d5276bca0b4c5bf4cb90818fc64"
