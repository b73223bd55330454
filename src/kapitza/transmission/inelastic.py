r"""A phenomenological inelastic channel added to any elastic interface model.

Elastic models (AMM, DMM, AGF) let a phonon cross only at its own frequency.
Anharmonic processes at the interface (one phonon splitting into two on the
far side, two merging) open extra channels that grow with temperature and
frequency; measured conductances above the phonon radiation limit are the
usual evidence (Stoner & Maris, Phys. Rev. B 48, 16373 (1993); Swartz & Pohl,
Rev. Mod. Phys. 61, 605 (1989), Sec. IV).  This module adds them in the
simplest form that keeps every transmission a probability:

.. math::

    \tau_\mathrm{inel}(\omega, T) = A\,T^{q}\,\omega^{m}, \qquad
    \tau_{\mathrm{tot},b} = \tau_{\mathrm{el},b} +
        \min\bigl(\tau_\mathrm{inel},\; 1 - \tau_{\mathrm{el},b}\bigr),

per incident branch b, where :math:`\tau_{\mathrm{el},b} =
\Phi_{\mathrm{el},b}/M_{1,b}` is recovered from the wrapped elastic model.
Where elastic transmission exists the inelastic part fills at most the
reflected remainder; above the receiving side's cutoffs (no elastic
transmission, :math:`\tau_\mathrm{el} = 0`) it is capped at 1, so phonons of
side 1 that side 2 cannot host elastically can still cross by splitting.
Nothing crosses above side 1's own cutoffs (no incident phonons there).

Units: T in K and omega in rad/s, so A is in K^-q (rad/s)^-m.  A >= 0 and
finite exponents q and m are required; at T = 0 or omega = 0 the inelastic
term is 0 (no phonons to scatter, or a zero-energy mode).

This term is phenomenological: it does **not** obey detailed balance
(G(A, B) != G(B, A) in general, since A, q and m describe one direction of
heat flow), and A, q, m must come from a fit to measurements or from a
microscopic theory.  With A = 0 the wrapped model is recovered exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError

#: Keys of the ``inelastic=`` mapping.
INELASTIC_KEYS: tuple[str, ...] = ("A", "q", "m")


def _number(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(f"inelastic parameter {name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise InputError(f"inelastic parameter {name} must be finite, got {value!r}")
    return value


@dataclass(frozen=True)
class InelasticParameters:
    """tau_inel = A * T^q * omega^m (T in K, omega in rad/s).

    Attributes
    ----------
    A : float
        Prefactor in K^-q (rad/s)^-m, >= 0.
    q : float
        Temperature exponent (finite).
    m : float
        Frequency exponent (finite).
    """

    A: float
    q: float
    m: float

    def __post_init__(self) -> None:
        for name in INELASTIC_KEYS:
            object.__setattr__(self, name, _number(name, getattr(self, name)))
        if self.A < 0:
            raise InputError(f"inelastic parameter A must be >= 0 (a transmission cannot be negative), got {self.A!r}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | InelasticParameters) -> InelasticParameters:
        """Build from ``{"A": ..., "q": ..., "m": ...}`` (exactly these keys)."""
        if isinstance(values, InelasticParameters):
            return values
        if not isinstance(values, Mapping):
            raise InputError(f"inelastic must be a mapping with keys A, q, m; got {type(values).__name__}")
        keys = set(values)
        missing = [k for k in INELASTIC_KEYS if k not in keys]
        extra = sorted(str(k) for k in keys - set(INELASTIC_KEYS))
        if missing or extra:
            raise InputError(
                f"inelastic needs exactly the keys A, q, m; missing {missing or 'none'}, unexpected {extra or 'none'}"
            )
        return cls(values["A"], values["q"], values["m"])

    def as_dict(self) -> dict[str, float]:
        """{"A": A, "q": q, "m": m}."""
        return {"A": self.A, "q": self.q, "m": self.m}

    def transmission(self, omega: ArrayLike, temperature: ArrayLike) -> NDArray[np.float64]:
        """Uncapped A T^q omega^m, clipped at 1 (it is capped further by the model), shape (n_T, n_omega).

        Evaluated through logarithms, so huge or tiny powers neither overflow
        nor produce inf * 0; 0 where T = 0 or omega = 0.
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        t = np.atleast_1d(np.asarray(temperature, dtype=float))
        out = np.zeros((t.size, w.size))
        if self.A == 0.0:
            return out
        tw, ww = t[:, None], w[None, :]
        positive = (tw > 0) & (ww > 0)
        log_t = np.log(np.where(tw > 0, tw, 1.0))
        log_w = np.log(np.where(ww > 0, ww, 1.0))
        log_tau = math.log(self.A) + self.q * log_t + self.m * log_w
        np.exp(np.minimum(log_tau, 0.0), out=out, where=positive)
        return out


@dataclass(frozen=True)
class InelasticChannel:
    """An elastic model plus the inelastic channel; a temperature-dependent model for the engine.

    Attributes
    ----------
    elastic : object
        Any model with ``labels``, ``breakpoints``, ``transmitted_channels(omega, temperature)``
        and ``side1`` (the incident :class:`~kapitza.phonons.ChannelSpectrum`).
    parameters : InelasticParameters
    """

    elastic: Any
    parameters: InelasticParameters

    def __post_init__(self) -> None:
        if not isinstance(self.parameters, InelasticParameters):
            object.__setattr__(self, "parameters", InelasticParameters.from_mapping(self.parameters))
        side1 = getattr(self.elastic, "side1", None)
        if side1 is None or not callable(getattr(side1, "channel_density", None)):
            name = getattr(self.elastic, "name", type(self.elastic).__name__)
            raise InputError(
                f"model {name!r} does not expose its incident spectrum (side1), so an inelastic channel "
                "cannot be added to it"
            )

    @property
    def name(self) -> str:
        return f"{getattr(self.elastic, 'name', 'model')}+inelastic"

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.elastic.labels)

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        return self.elastic.breakpoints

    def elastic_transmission(self, omega: ArrayLike, temperature: ArrayLike | None = None) -> NDArray[np.float64]:
        """tau_el,b = Phi_el,b / M_1,b (0 where side 1 has no channels), shape (n_T or 1, n_b, n_omega)."""
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        m1 = np.atleast_2d(self.elastic.side1.channel_density(w))[None]
        phi = np.asarray(self.elastic.transmitted_channels(w, temperature), dtype=float)
        tau = np.zeros(phi.shape)
        np.divide(phi, m1, out=tau, where=m1 > 0)
        return tau

    def transmission_at(self, omega: ArrayLike, temperature: ArrayLike) -> NDArray[np.float64]:
        """tau_tot,b(omega, T) = tau_el + min(tau_inel, 1 - tau_el), shape (n_T, n_b, n_omega)."""
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        t = np.atleast_1d(np.asarray(temperature, dtype=float))
        tau_el = self.elastic_transmission(w, t)
        room = np.clip(1.0 - tau_el, 0.0, 1.0)
        inel = self.parameters.transmission(w, t)
        return tau_el + np.minimum(inel[:, None, :], room)

    def transmitted_channels(self, omega: ArrayLike, temperature: ArrayLike | None = None) -> NDArray[np.float64]:
        """M_1,b * tau_tot,b, m^-2 (rad/s)^-1, shape (n_T, n_b, n_omega); ``temperature`` in K, shape (n_T,).

        The inelastic channel depends on temperature, so ``temperature`` is required.
        """
        if temperature is None:
            raise InputError("the inelastic channel depends on temperature: give temperature= in K")
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        m1 = np.atleast_2d(self.elastic.side1.channel_density(w))
        return m1[None, :, :] * self.transmission_at(w, temperature)
