"""The tribunal administratif of a département: the default answer of « Tribunal compétent ».

Source: Code de justice administrative, art. R221-3 (siège et ressort des tribunaux administratifs),
version en vigueur depuis le 9 novembre 2015 (décret n° 2015-1444 du 6 novembre 2015, art. 1), read
on Légifrance and doctrine.fr; the names of the overseas tribunals: art. R221-1 (« tribunal
administratif de la Guadeloupe »…). Only the départements listed there; any other answer (a number,
a collectivité d'outre-mer) gets no default. Dated: check it again if the article changes.
"""

from __future__ import annotations

import re
import unicodedata

SOURCE = "Code de justice administrative, art. R221-3 et R221-1 (version du 9 novembre 2015)"

# seat -> départements of its ressort (art. R221-3)
RESSORTS: dict[str, tuple[str, ...]] = {
    "Amiens": ("Aisne", "Oise", "Somme"),
    "Bastia": ("Corse-du-Sud", "Haute-Corse"),
    "Besançon": ("Doubs", "Jura", "Haute-Saône", "Territoire de Belfort"),
    "Bordeaux": ("Dordogne", "Gironde", "Lot-et-Garonne"),
    "Caen": ("Calvados", "Manche", "Orne"),
    "Cergy-Pontoise": ("Hauts-de-Seine", "Val-d'Oise"),
    "Châlons-en-Champagne": ("Ardennes", "Aube", "Marne", "Haute-Marne"),
    "Clermont-Ferrand": ("Allier", "Cantal", "Haute-Loire", "Puy-de-Dôme"),
    "Dijon": ("Côte-d'Or", "Nièvre", "Saône-et-Loire", "Yonne"),
    "Grenoble": ("Drôme", "Isère", "Savoie", "Haute-Savoie"),
    "Lille": ("Nord", "Pas-de-Calais"),
    "Limoges": ("Corrèze", "Creuse", "Indre", "Haute-Vienne"),
    "Lyon": ("Ain", "Ardèche", "Loire", "Rhône"),
    "Marseille": ("Alpes-de-Haute-Provence", "Hautes-Alpes", "Bouches-du-Rhône"),
    "Melun": ("Seine-et-Marne", "Val-de-Marne"),
    "Montpellier": ("Aude", "Hérault", "Pyrénées-Orientales"),
    "Montreuil": ("Seine-Saint-Denis",),
    "Nancy": ("Meurthe-et-Moselle", "Meuse", "Vosges"),
    "Nantes": ("Loire-Atlantique", "Maine-et-Loire", "Mayenne", "Sarthe", "Vendée"),
    "Nice": ("Alpes-Maritimes",),
    "Nîmes": ("Gard", "Lozère", "Vaucluse"),
    "Orléans": ("Cher", "Eure-et-Loir", "Indre-et-Loire", "Loir-et-Cher", "Loiret"),
    "Paris": ("Paris",),
    "Pau": ("Gers", "Landes", "Pyrénées-Atlantiques", "Hautes-Pyrénées"),
    "Poitiers": ("Charente", "Charente-Maritime", "Deux-Sèvres", "Vienne"),
    "Rennes": ("Côtes-d'Armor", "Finistère", "Ille-et-Vilaine", "Morbihan"),
    "Rouen": ("Eure", "Seine-Maritime"),
    "Strasbourg": ("Moselle", "Bas-Rhin", "Haut-Rhin"),
    "Toulon": ("Var",),
    "Toulouse": ("Ariège", "Aveyron", "Haute-Garonne", "Lot", "Tarn", "Tarn-et-Garonne"),
    "Versailles": ("Essonne", "Yvelines"),
}

# overseas départements: the tribunal's name (art. R221-1)
OVERSEAS: dict[str, str] = {
    "Guadeloupe": "Tribunal administratif de la Guadeloupe",
    "Guyane": "Tribunal administratif de la Guyane",
    "Martinique": "Tribunal administratif de la Martinique",
    "Mayotte": "Tribunal administratif de Mayotte",
    "Réunion": "Tribunal administratif de La Réunion",
}


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("’", " ")).encode("ascii", "ignore").decode("ascii").lower()
    plain = re.sub(r"^(la|le|les|l')\s*", "", plain.strip())
    return " ".join(re.findall(r"[a-z]+", plain))


def _tribunal(seat: str) -> str:
    return f"Tribunal administratif {'d’' if seat[0] in 'AEIOUÉ' else 'de '}{seat}".replace("’", "'")


_BY_DEPARTMENT: dict[str, str] = {_key(d): _tribunal(seat) for seat, deps in RESSORTS.items() for d in deps}
_BY_DEPARTMENT |= {_key(d): name for d, name in OVERSEAS.items()}
_BY_DEPARTMENT[_key("Ville de Paris")] = _tribunal("Paris")


def tribunal_for(department: str | None) -> str | None:
    """« Nord (59) » -> « Tribunal administratif de Lille »; None when the name is not in the table."""
    if not department:
        return None
    name = re.sub(r"\(.*?\)|\d+[AB]?", " ", department)  # the number in brackets is not used
    return _BY_DEPARTMENT.get(_key(name))
