"""The SHA-256 of the shipped index (``phonons/data/shipped/index.json``), recorded in the code so that an edited
index is refused whole (:mod:`kapitza.io.shipped`).  Written by ``scripts/ship_crystals.py``; do not edit by hand."""

#: SHA-256 (hex) of the bytes of ``phonons/data/shipped/index.json``; empty: nothing shipped.
INDEX_SHA256 = "e658deac9895d63d330abf949fdb4e3602b00e87599640166907799d5391f847"
