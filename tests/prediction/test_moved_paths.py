"""Issue 76 item 5: prediction/phonon_dos.py and prediction/md_systems.py moved to the layer their imports say
(phonons/dos.py, transmission/md_systems.py); the old import paths still work, with a DeprecationWarning naming the
new place."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        ("kapitza.prediction.phonon_dos", "kapitza.phonons.dos", "material_dos"),
        ("kapitza.prediction.md_systems", "kapitza.transmission.md_systems", "harmonic_spectra"),
    ],
)
def test_the_old_path_warns_and_gives_the_same_object(old, new, name):
    module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        value = getattr(module, name)
    assert value is getattr(importlib.import_module(new), name)
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018
