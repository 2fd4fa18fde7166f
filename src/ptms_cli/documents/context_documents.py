"""Context of the documents that convince (cahier, dossier, letters): what `context.build_context`
adds for them, already written as French sentences.

- `pictures`: text alternative (accessibility) and caption of each picture;
- `letter_extras`: a partner's letter of intent (addressee, salutation, objectives it takes part in,
  commitments by role) or the lead's invitation letter.
"""

from __future__ import annotations

import re
from typing import Any

from .. import referential
from ..model import Project

# --- pictures -------------------------------------------------------------------------------------

def pictures(ctx: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{picture name: {alt, caption}} — the text alternative says what the picture shows, in words."""
    cov = ctx.get("coverage") or {}
    summary = cov.get("summary_text") or {}
    out: dict[str, dict[str, str]] = {}
    before = summary.get("before", "")
    after = summary.get("after", "")
    out["coverage"] = {
        "caption": "Couverture des besoins par champ d'intervention et par secteur, sans et avec le projet"
        if ctx.get("service") else "Couverture actuelle des besoins par champ d'intervention et par secteur",
        "alt": "Matrice de couverture des besoins (champs d'intervention en lignes, secteurs en colonnes). "
        + (f"Sans projet territorial : {before}." if before else "")
        + (f" Avec le service mutualisé : {after}." if after and ctx.get("service") else ""),
    }
    out["coverage_before"] = {
        "caption": "Couverture actuelle des besoins par champ d'intervention et par secteur",
        "alt": "Matrice de couverture actuelle des besoins (champs d'intervention en lignes, secteurs en "
        f"colonnes). {before}." if before else "Matrice de couverture actuelle des besoins.",
    }
    funding = ctx.get("funding") or {}
    parts = []
    for row in funding.get("partners", []):
        shares = ", ".join(f"{s} en {y}" for y, s in zip(funding.get("years", []), row.get("shares", []), strict=False))
        parts.append(f"{row['partner'] or row['name']} : {shares}")
    out["contributions"] = {
        "caption": "Contributions des partenaires par année",
        "alt": "Histogramme des contributions des partenaires par année. Part de chaque partenaire dans le "
        "coût du service : " + " ; ".join(parts) + "." if parts else "Histogramme des contributions des partenaires.",
    }
    return out


# --- letters --------------------------------------------------------------------------------------

_VOWEL = re.compile(r"^[aeiouyàâéèêëîïôöûüh]", re.IGNORECASE)


def civility_of(name: str) -> str:
    """« madame » / « monsieur » read from a name written « Mme Hélène Masson » / « M. Philippe Garnier »."""
    m = re.match(r"\s*(M\.|Monsieur|Mme|Madame)(?:\s|\u00a0)", name or "")
    if not m:
        return ""
    return "monsieur" if m.group(1) in ("M.", "Monsieur") else "madame"


def appellation(representative: Any) -> str:
    """« Monsieur le Président », « Madame la Maire », « Madame, Monsieur » (no civility or no title)."""
    if not representative:
        return "Madame, Monsieur"
    civility = representative.get("civility") or civility_of(representative.get("name", ""))
    title = representative.get("title") or ""
    if civility not in ("madame", "monsieur"):
        return "Madame, Monsieur"
    word = "Madame" if civility == "madame" else "Monsieur"
    if not title.strip():
        return word
    title = title.strip()
    title = title[0].upper() + title[1:]
    article = "l'" if _VOWEL.match(title) else ("la " if civility == "madame" else "le ")
    return f"{word} {article}{title}"


def lower_label(label: str, custom: set[str]) -> str:
    """A referential label inside a sentence (« Transports en commun » -> « transports en commun »);
    a label the project wrote itself keeps its capitals (« ERBM »)."""
    if label in custom or not label:
        return label
    if len(label) > 1 and label[1].isupper():  # an acronym
        return label
    return label[0].lower() + label[1:]


def _join(items: list[str]) -> str:
    items = [x for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def commitments(roles: list[str], signatory: bool) -> list[str]:
    """What a partner says it will do, by role; only a signatory promises to submit the convention."""
    out = ["participer aux travaux de préparation du projet et désigner un référent",
           "contribuer à la définition des besoins et du cahier des charges"]
    if "funder" in roles:
        out.append("étudier notre participation au financement du service, dont le montant sera fixé par la "
                   "convention unique après délibération de nos instances")
    if "prescriber" in roles:
        out.append("orienter vers le service les situations qui relèvent de la médiation sociale et partager "
                   "avec lui les informations utiles, dans le respect du RGPD")
    if "beneficiary" in roles:
        out.append("faciliter l'intervention des médiateurs sur nos sites et avec nos équipes")
    if signatory:
        out.append("soumettre à nos instances de décision notre participation à la convention unique "
                   "pluripartite")
    else:
        out.append("prendre part aux instances de concertation du projet en qualité de partenaire associé")
    return out


def _city(address: str) -> str:
    m = re.search(r"\b\d{5}\s+([^,\n]+)\s*$", address or "")
    return m.group(1).strip() if m else ""


def letter_extras(p: Project, ctx: dict[str, Any], partner_id: str) -> dict[str, Any]:
    """`letter` of the letter of one partner (see the module)."""
    partner = next(x for x in ctx["partners"] if x["id"] == partner_id)
    model = next(x for x in p.partners if x.id == partner_id)
    lead = ctx.get("lead")
    invitation = bool(lead and lead["id"] == partner_id)
    custom = set(p.custom_fields.values())
    own: list[dict] = []
    others: list[dict] = []
    for o, obj in zip(ctx["objectives"], p.objectives, strict=True):
        (own if not obj.partners or partner_id in obj.partners else others).append(o)
    signatory = partner_id in p.signatories()
    roles = list(model.roles)
    role_words = [lower_label(referential.label("partner_roles", r), set()) for r in roles
                  if r != "signatory"]
    if "signatory" in roles or signatory:
        role_words.append("signataire de la convention")
    elif roles:
        role_words.append("partenaire associé")
    addressee = lead if (lead and not invitation) else None
    call = appellation(addressee["representative"]) if addressee else "Madame, Monsieur"
    fields = [lower_label(p.custom_fields.get(f) or referential.label("fields", f), custom) for f in model.fields]
    return {
        "kind": "invitation" if invitation else "intent",
        "place": _city(partner.get("address", "")),
        "appellation": call,
        "salutation": f"{call},",
        "closing": f"Veuillez agréer, {call}, l'expression de nos salutations distinguées."
        if not invitation else "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "roles_text": _join(role_words),
        "fields_text": _join(fields),
        "objectives_own": own,
        "objectives_others": others,
        "signatory": signatory,
        "commitments": commitments(roles, signatory),
        "invited": [x for x in ctx["partners_active"] if x["id"] != partner_id],
    }


# --- all of it ------------------------------------------------------------------------------------

def documents_context(p: Project, derived: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    """The keys this module adds to the template context (`context.build_context` calls it last)."""
    return {
        "pictures": pictures(ctx),
        "letters": {x.id: letter_extras(p, ctx, x.id) for x in p.partners},
    }
