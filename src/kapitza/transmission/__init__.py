"""Interface models: each gives the transmission tau_12 of phonons from side 1 to side 2."""

from .channel_rule import ChannelRuleModel
from .dmm import diffuse_mismatch, dmm_transmission
from .limit import radiation_limit, radiation_limit_transmission

__all__ = [
    "ChannelRuleModel",
    "diffuse_mismatch",
    "dmm_transmission",
    "radiation_limit",
    "radiation_limit_transmission",
]
