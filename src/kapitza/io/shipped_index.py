"""The SHA-256 of the shipped index (``phonons/data/shipped/index.json``), recorded in the code so that an edited
index is refused whole (:mod:`kapitza.io.shipped`).  Written by ``scripts/ship_crystals.py``; do not edit by hand."""

#: SHA-256 (hex) of the bytes of ``phonons/data/shipped/index.json``; empty: nothing shipped.
INDEX_SHA256 = "1d833b7212e54a27d1c6a404e66e13bacd249b3c62cb2c00a6a57a40a31501b6"
