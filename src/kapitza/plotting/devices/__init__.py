"""Figures of the device models (:mod:`kapitza.devices`): one module per device topic."""
