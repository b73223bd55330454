"""Register every command on the app, in one place.

The command modules define plain functions (and ``materials_app``, a sub-app) and
never import :mod:`kapitza.cli.app`, so there is no import cycle; this module,
imported by :func:`kapitza.cli.app.main`, registers them.
"""

from .agf import agf_command
from .app import app
from .device import device_app
from .device_applications import nanofluidic_command, pcm_command, thermoelectric_command
from .device_cryo import contact_command, cryogenic_command, spin_command
from .device_hotspot import hotspot_command
from .device_media import composite_command, polycrystal_command, superlattice_command
from .eels import eels_app
from .fits import fit_app
from .materials import materials_app
from .md import md_app, thickness_command
from .md_campaign import md_campaign_command
from .md_emd import md_emd_command
from .md_run import md_run_command
from .md_spectral import modes_command, rectification_command, spectral_command
from .measured import measured_command
from .phonons import phonons_command
from .predict import predict_command
from .stack import film_command, stack_command
from .thermoreflectance import fdtr_app, tdtr_app
from .transmission import transmission_command
from .validate import validate_command

app.command("predict")(predict_command)
app.command("transmission")(transmission_command)
app.command("phonons")(phonons_command)
app.command("agf")(agf_command)
app.command("measured")(measured_command)
app.command("validate")(validate_command)
app.add_typer(materials_app, name="materials")
md_app.command("run")(md_run_command)
md_app.command("emd")(md_emd_command)
md_app.command("campaign")(md_campaign_command)
md_app.command("spectral")(spectral_command)
md_app.command("modes")(modes_command)
md_app.command("rectification")(rectification_command)
app.add_typer(md_app, name="md")
app.add_typer(eels_app, name="eels")
app.add_typer(tdtr_app, name="tdtr")
app.add_typer(fdtr_app, name="fdtr")
# `kapitza fit thickness` is `kapitza md thickness` itself: one reader, one fit (analysis.thickness), one output
fit_app.command("thickness")(thickness_command)
app.add_typer(fit_app, name="fit")
app.command("stack")(stack_command)
device_app.command("film")(film_command)
device_app.command("hotspot")(hotspot_command)
device_app.command("superlattice")(superlattice_command)
device_app.command("composite")(composite_command)
device_app.command("polycrystal")(polycrystal_command)
device_app.command("thermoelectric")(thermoelectric_command)
device_app.command("pcm")(pcm_command)
device_app.command("nanofluidic")(nanofluidic_command)
device_app.command("cryogenic")(cryogenic_command)
device_app.command("spin")(spin_command)
device_app.command("contact")(contact_command)
app.add_typer(device_app, name="device")
