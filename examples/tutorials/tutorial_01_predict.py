"""
Predict and compare models
==========================

The main job: the thermal boundary conductance G of an interface under every model, from the
material database, over temperature, next to what has been measured.

On the command line the same job is one command, and in Python one call that returns the same object:
the expected measurement of the pair first (with the band that held 68 % of the papers the estimate never
saw), then every model's total with the electrons, the measured values and the warnings::

    kapitza predict Al Si -t 300
    kapitza predict Al Si -t 10:500:50 --model dmm --model amm --plot g.png

Everything below is SI: temperatures in K, conductances in W m^-2 K^-1, resistances in m^2 K W^-1.
"""

# %%
# The answer, from Python and from the command line
# -------------------------------------------------
# :func:`kapitza.predict` returns a :class:`kapitza.Prediction`: what ``kapitza predict`` prints, as one
# frozen object. Printed, it leads with the expected measurement and its band, then each model's total
# (here the phonon G in series with aluminium's electron-phonon conductance G_ep):
import kapitza

answer = kapitza.predict("Al", "Si", 300.0)
print(answer)

# %%
# The command line renders the same object (its ``--json`` is ``answer.to_dict()``): the same expected
# measurement on its first line, and the same 391 MW m^-2 K^-1 in the ``G total`` column of the DMM.
from kapitza.cli.app import main  # noqa: E402

main(["predict", "Al", "Si", "-t", "300"])

# %%
# Every number behind the lines is in the object, in SI units:
e = answer.expected
print(f"expected {e.value[0] / 1e6:.3g} MW m^-2 K^-1, band {e.low[0] / 1e6:.3g}-{e.high[0] / 1e6:.3g}")
dmm_total, dmm_phonons = answer.total["dmm"][0], answer.result("dmm").conductance[0]
print(f"DMM total {dmm_total / 1e6:.4g}, DMM phonons alone {dmm_phonons / 1e6:.4g} MW m^-2 K^-1")
print("warnings:", len(answer.warnings), "| provenance lines (--explain):", len(answer.provenance))

# %%
# One model, one interface
# ------------------------
# Each model's result is a frozen :class:`kapitza.ConductanceResult` (``answer.result("dmm")``, or
# :func:`kapitza.prediction.predict_model` for one model alone): its arrays are read-only, its repr is one
# line, and it keeps the inputs and settings that made it. Al on Si under the diffuse mismatch model (DMM),
# Debye spectra with the default single Debye-temperature cutoff:
import numpy as np  # noqa: E402

temperatures = np.geomspace(10, 500, 6)
result = kapitza.prediction.predict_model("Al", "Si", temperatures, model="dmm")
print(result)
for t, g in zip(result.temperature, result.conductance):
    print(f"T = {t:6.1f} K   G = {g / 1e6:8.2f} MW m^-2 K^-1")

# %%
# Every model
# -----------
# :func:`kapitza.available_models` lists the registered models. The four Debye-type phonon models:
# ``dmm`` (diffuse mismatch), ``limit`` (phonon radiation limit, the largest elastic G detailed
# balance allows), ``amm`` (acoustic mismatch with full elasticity: mode conversion, critical angles)
# and ``amm-simple`` (the textbook AMM, no mode conversion).
print("models:", ", ".join(kapitza.available_models()))

models = ("dmm", "limit", "amm", "amm-simple")
dense = np.geomspace(1, 1000, 60)
curves = {
    pair: [kapitza.prediction.predict_model(*pair, dense, model=m) for m in models]
    for pair in (("Al", "Si"), ("Si", "Ge"))
}

print(f"{'pair':8s} {'model':11s} {'G(10 K)':>10s} {'G(300 K)':>10s}   MW m^-2 K^-1")
for (a, b), results in curves.items():
    for r in results:
        g10, g300 = np.interp([10.0, 300.0], r.temperature, r.conductance) / 1e6
        print(f"{a + '/' + b:8s} {r.model:11s} {g10:10.4g} {g300:10.4g}")

# %%
# At low temperature every model follows T^3 (only long acoustic waves are occupied) and the ratio
# of two models is a constant; at high temperature G saturates at its classical value. The radiation
# limit is above the DMM everywhere, as it must be. The curves are the phonons' G; Al's electrons hand the heat
# to its phonons first (G_ep, in series: the dashed total), and the crosses are the measured Al/Si values of
# bare interfaces in the shipped compilation (what ``kapitza predict Al Si --plot g.png`` draws).
from kapitza.literature import measurements_for  # noqa: E402
from kapitza.plotting.conductance import conductance_figure  # noqa: E402

g_ep = kapitza.predict("Al", "Si", 300.0, model="dmm").electronic.electron_phonon
fig_al_si = conductance_figure(
    curves[("Al", "Si")], measured=measurements_for("Al", "Si"), electron_phonon=("Al", g_ep)
)

# %%
fig_si_ge = conductance_figure(curves[("Si", "Ge")], measured=measurements_for("Si", "Ge"))

# %%
# Resistance, Kapitza length and the electrons of a metal
# -------------------------------------------------------
# The same numbers as a resistance R = 1/G, and as the Kapitza length: the thickness of bulk Si
# whose resistance equals the interface's (``side=2`` is Si).
print(f"R(Al/Si, 300 K) = {kapitza.resistance('Al', 'Si', 300.0):.4g} m^2 K W^-1")
print(f"L_K in Si at 300 K = {kapitza.kapitza_length('Al', 'Si', 300.0, side=2) * 1e9:.4g} nm")

# %%
# Al is a metal: its electrons carry the heat and must hand it to its phonons first. That adds an
# electron-phonon conductance G_ep in series with every phonon model (Majumdar & Reddy, Appl. Phys.
# Lett. 84, 4768 (2004)); :func:`kapitza.prediction.electronic_parts` gives it and the totals that
# ``kapitza predict`` reports.
from kapitza.prediction import electronic_parts  # noqa: E402

t300 = np.array([300.0])
phonon_results = [kapitza.prediction.predict_model("Al", "Si", t300, model=m) for m in models]
parts = electronic_parts("Al", "Si", t300, phonon_results)
print(f"kind: {parts.kind};  G_ep of {parts.metal} = {parts.electron_phonon / 1e6:.4g} MW m^-2 K^-1")
for m, g_ph, g_tot in zip(parts.models, parts.phonon[:, 0], parts.total[:, 0]):
    print(f"{m:11s} G_ph = {g_ph / 1e6:7.4g}   G total = {g_tot / 1e6:7.4g} MW m^-2 K^-1")

# %%
# Next to what has been measured
# ------------------------------
# The package ships a compilation of measured conductances (:mod:`kapitza.literature`; the ITR
# dataset, Zenodo DOI 10.5281/zenodo.3361417). :func:`~kapitza.literature.measurements_for` picks one
# pair, in either order, near the requested temperatures (CLI: ``kapitza measured Al Si -t 300``).
from kapitza.literature import measurements_for  # noqa: E402

measured = measurements_for("Al", "Si", 300.0)
print(f"{len(measured)} measurements of Al/Si within 10 % of 300 K from {measured.references} references")
methods = ", ".join(sorted(set(measured.method)))
print(
    f"G measured: {measured.conductance.min() / 1e6:.3g} to {measured.conductance.max() / 1e6:.3g}, "
    f"median {np.median(measured.conductance) / 1e6:.3g} MW m^-2 K^-1;  methods: {methods}"
)
print(f"predicted (DMM with G_ep): {parts.total[0, 0] / 1e6:.4g} MW m^-2 K^-1")

# %%
# Every model against every measurement
# -------------------------------------
# :func:`kapitza.prediction.validation.validation_table` predicts every measured row whose two sides
# are in the database, the way ``kapitza predict`` reports it (CLI: ``kapitza validate --plot v.png``),
# and :func:`~kapitza.prediction.validation.stats.validation_statistics` summarises it: the median
# predicted/measured ratio and the share of rows within a factor of two.
from kapitza.plotting.validation import validation_figure  # noqa: E402
from kapitza.prediction.validation import validation_table  # noqa: E402
from kapitza.prediction.validation.stats import validation_statistics  # noqa: E402

table = validation_table(("dmm", "amm"))
stats = validation_statistics(table)
print(table)
print(stats)
for m, row in zip(table.models, table.predicted):
    ok = np.isfinite(row)
    ratio = row[ok] / table.measured[ok]
    within = np.mean((ratio >= 0.5) & (ratio <= 2.0))
    print(f"{m:5s} rows {ok.sum():4d}   median predicted/measured {np.median(ratio):.3g}   within x2 {within:.0%}")

fig_validation = validation_figure(table, statistics=stats)

# %%
# The models overpredict most metal/dielectric interfaces: real interfaces carry oxides, adhesion
# layers, roughness and disorder that the models leave out. The physics of each model, its sources and
# its validity limits are on the physics pages.
