"""After signature: what happened each year (payments received, indicator results, executed budget).

Optional top-level sections of the project file, read by `ptms calls` and `ptms report`:

```yaml
payments:                       # instalments received (see « Modalités de versement »)
  - {partner: ville, year: 2027, installment: 1, amount: 27000.00, received_on: 2027-04-02}
results:                        # indicator values entered for a year
  interventions: {2027: 2140}
actuals:                        # executed budget of a year
  2027:
    costs: {personnel: 301250.00, fonctionnement: 21000.00}   # by cost category of the plan
    received: {etat: 91242.44}                                 # resources received, by partner
signature:                      # written by `ptms sign` (see aftersign/sign.py)
  date: 2026-03-15
  sha256: 5f1c…                 # of the signed version, copied byte for byte into the archive
  archive: projet-signature     # folder, relative to the project file
```
"""

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from .base import Date, F, Id, Model, Money, Text, Year, YearKeyed
from .refs import Ref


class Payment(Model):
    partner: Annotated[Id, Ref("partners")] = F("Partenaire qui a versé")
    year: Year = F("Année de la contribution")
    installment: int = F("Échéance", "Numéro de l'échéance dans l'échéancier de la convention (1 pour la première).",
                         ge=1, le=24)
    amount: Money = F("Montant reçu")
    received_on: Date | None = F("Reçu le", "Date de réception des fonds ; vide : annoncé, pas encore reçu.", default=None)


class ActualYear(Model):
    costs: dict[Id, Money] = F("Coûts réalisés", "Par catégorie de coût du plan (ex. « personnel »).",
                               default_factory=dict)
    received: dict[Annotated[Id, Ref("partners")], Money] = F(
        "Ressources reçues", "Par partenaire (hors échéances déjà saisies dans « payments »).", default_factory=dict)


ResultValue = Annotated[Decimal, Field(ge=-999999999, le=999999999)] | Text


class Signature(Model):
    date: Date = F("Signée le", "Date de signature de la convention (ou de l'avenant).")
    sha256: Annotated[str, StringConstraints(min_length=64, max_length=64)] = F(
        "Empreinte", "SHA-256 de la version signée, copiée à l'identique dans l'archive.")
    archive: Text = F("Archive", "Dossier de l'archive de signature, relatif au fichier projet : copie signée, "
                                 "signature.json, documents en PDF/A et leurs empreintes.")


class FollowUp(Model):
    """Sections filled after the signature (all optional)."""

    payments: list[Payment] = F("Versements reçus", "Échéances de l'échéancier reçues (ou annoncées).",
                                default_factory=list)
    results: dict[Annotated[Id, Ref("indicators")], Annotated[dict[Year, ResultValue], YearKeyed()]] = F(
        "Résultats des indicateurs", "Par indicateur, la valeur de chaque année.", default_factory=dict)
    actuals: Annotated[dict[Year, ActualYear], YearKeyed()] = F("Budget exécuté", "Par année.", default_factory=dict)
    signature: Signature | None = F("Version signée", "Écrit par « ptms sign » : date, empreinte et archive de la "
                                    "version signée (ne pas modifier à la main).", default=None)
