"""Who decides and who pays each kind of resource: the instruments' referential (pure data).

A convention cannot create the aids it counts on; it can only plan them. Each resource kind
(`referential.RESOURCE_KINDS`) and each State aid computed from the posts (`adulte_relais`, `pec`)
is an *instrument*: who decides it, who pays it, whether it is granted year by year, and the
reservation under which a public amount is written. The documents and `ptms funding` print these
instead of « versement : Préfecture » for every State aid. Facts from `shared/legal.md` (adultes-relais:
one État–employeur convention per post, paid by the ASP; PEC: prescribed by France Travail, Cap emploi,
the mission locale or the département, paid by the ASP; FIPD: annual call for projects of the
préfecture, never a multi-year commitment).
"""

from __future__ import annotations

from dataclasses import dataclass

STATE_RESERVATION = "sous réserve des crédits ouverts en loi de finances"
LOCAL_RESERVATION = "sous réserve du vote des crédits correspondants par l'assemblée délibérante"
BOARD_RESERVATION = "sous réserve de la décision de son instance compétente"


@dataclass(frozen=True)
class Instrument:
    kind: str
    decides: str  # who decides, in a French phrase (« l'État, par une convention par poste »)
    pays: str | None  # who pays, when it is not the resource's partner (« l'Agence de services et de paiement (ASP) »)
    annual: bool  # granted year by year: later years are only planned
    reservation: str  # the clause under which a planned public amount is written


INSTRUMENTS: dict[str, Instrument] = {
    "adulte_relais": Instrument(
        "adulte_relais", "l'État, par une convention conclue avec l'employeur pour chaque poste (trois ans, renouvelable)",
        "l'Agence de services et de paiement (ASP)", False, STATE_RESERVATION),
    "pec": Instrument(
        "pec", "le prescripteur (France Travail, Cap emploi, la mission locale ou le département), pour chaque contrat",
        "l'Agence de services et de paiement (ASP)", False, STATE_RESERVATION),
    "fipd": Instrument(
        "fipd", "le préfet, sur l'appel à projets annuel du FIPD (jamais d'engagement pluriannuel)",
        "l'État", True, STATE_RESERVATION),
    "contrat_de_ville": Instrument(
        "contrat_de_ville", "le financeur, sur l'appel à projets annuel du contrat de ville", None, True,
        LOCAL_RESERVATION),
    "fse_plus": Instrument(
        "fse_plus", "l'autorité de gestion du programme FSE+, lors de la programmation de l'opération",
        "l'autorité de gestion du programme FSE+", False,
        BOARD_RESERVATION),
    "region": Instrument("region", "le conseil régional", None, True, LOCAL_RESERVATION),
    "caf": Instrument("caf", "le conseil d'administration de la CAF", None, True, BOARD_RESERVATION),
    "mecenat": Instrument("mecenat", "le mécène", None, False, ""),
    "autre": Instrument("autre", "le financeur", None, False, BOARD_RESERVATION),
}


def instrument(kind: str) -> Instrument:
    """The instrument of a resource kind or computed aid (`autre` for an unknown kind)."""
    return INSTRUMENTS.get(kind, INSTRUMENTS["autre"])
