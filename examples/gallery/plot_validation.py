"""
Models against measured conductances
====================================

Every model against every measured thermal boundary conductance in the shipped compilation whose two
sides are in the materials database (the method and the statistics are defined on
:doc:`/physics/validation`). Everything below is computed when the documentation builds.
"""

# %%
# Predict every measured row with the diffuse mismatch model, the phonon radiation limit and the
# acoustic mismatch model (Debye spectra, default cutoff rule).
from kapitza.prediction import validation_statistics, validation_table

table = validation_table(("dmm", "limit", "amm"))
stats = validation_statistics(table)
print(f"{len(table)} measured rows, cutoff rule {table.cutoff!r}")
for group, total in zip(stats.groups, stats.total):
    print(f"  {group:16s} {int(total):4d} rows")

# %%
# The statistics, for what ``kapitza predict`` reports (electron-phonon coupling in series for a metal on
# a non-metal, the electronic DMM for two metals) and for the phonon model alone. ``ratio`` is the median
# of predicted / measured, ``x2`` the share of rows within a factor of 2, ``|log10|`` the median of
# ``|log10(predicted / measured)|``.
for basis in stats.bases:
    print(f"\nbasis: {basis}")
    print(f"{'model':8s} {'group':16s} {'rows':>5s} {'ratio':>7s} {'x2':>6s} {'|log10|':>8s}")
    for model in stats.models:
        for group in stats.groups:
            s = stats.get(model, group, basis)
            if s["rows"] == 0:
                continue
            print(
                f"{model:8s} {group:16s} {s['rows']:5d} {s['median_ratio']:7.3g} "
                f"{100 * s['within_2']:5.0f}% {s['median_abs_log10']:8.3f}"
            )

# %%
# Rows without a prediction, and rows of a metal whose electron data are not stored (predicted by the
# phonon model alone).
for model in stats.models:
    for reason, count in stats.missing["predicted"][model].items():
        print(f"{model}: {count} rows without a prediction ({reason})")
for note, count in stats.phonon_only.items():
    print(f"{count} rows: {note}")

# %%
# Predicted against measured, log-log, with the 1:1, x2 and x0.5 lines.
from kapitza.plotting.validation import validation_figure  # noqa: E402

fig = validation_figure(table, statistics=stats)

# %%
# The phonon models alone: for metals on non-metals they leave out the electron-phonon resistance, for
# two metals the electrons that carry the heat.
fig_phonon = validation_figure(table, statistics=stats, basis="phonon")
