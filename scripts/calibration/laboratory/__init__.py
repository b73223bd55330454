"""The laboratory of the expected measurement: what chooses and scores the estimate ``kapitza predict`` quotes, kept
out of the installed package (issue 76).

- :mod:`.held_out`: the estimate held out by paper or by whole pair, and its scores by split and temperature range;
- :mod:`.floor`: the inter-laboratory floor;
- :mod:`.validation`: the whole validation, beside the physics models and the empirical estimate;
- :mod:`.groups`: the descriptor groups tried beyond a route's own (the sample, the bonding, the stiffened and the
  potential's full-dispersion DMMs), with :data:`.groups.SELECTED` (what the package takes: nothing today);
- :mod:`.selection`: the honest selection that tries a group against its placebo;
- :mod:`.paper_bootstrap`: the papers resampled, for a score's interval;
- :mod:`.long_waves`: the database route with each side's long waves from a potential's elastic constants, held out
  by paper, and the widening of its band (the long-wave route of ``kapitza predict``);
- :mod:`.bonding`, :mod:`.stiffened`, :mod:`.dispersion_pairs`: the descriptor tables of the groups (their data in
  ``data/``); :mod:`.tables`: the writers of the tables the package ships and reads.

Import it with ``scripts`` on the path (``PYTHONPATH=src:scripts``; the test suite puts it there).
"""
