"""
The expected measurement of Al/Si, with its band
================================================

What ``kapitza predict Al Si --plot`` draws: the conductance a measurement of Al on Si is expected to give
(:func:`kapitza.prediction.expected.expected_conductance`), with the band that held 68 % of the papers the estimate
never saw, beside the ideal-interface physics (the DMM and the radiation limit, with Al's electron-phonon
resistance in series) and the pair's measured points, paper by paper.  Below 30 K no paper measured Al/Si: there the
estimate is the physics alone with the DMM's own measured band, as the printed note says.
"""

# %%
import numpy as np

import kapitza
from kapitza.literature import measurements_for
from kapitza.plotting import conductance_figure
from kapitza.prediction.expected import expected_conductance

temperatures = np.geomspace(20.0, 600.0, 40)
expected = expected_conductance("Al", "Si", temperatures)
i = int(np.argmin(abs(temperatures - 300.0)))
print(expected.line(i))
for note in expected.notes:
    print("note:", note)
print("papers that measured the pair:", ", ".join(expected.other_papers))

# %%
curves = [kapitza.prediction.predict_model("Al", "Si", temperatures, model=m) for m in ("dmm", "limit")]
metal, g_ep = "Al", kapitza.prediction.electronic_parts("Al", "Si", temperatures, curves).electron_phonon
fig = conductance_figure(curves, measured=measurements_for("Al", "Si"), electron_phonon=(metal, g_ep),
                         expected=expected)  # fmt: skip
