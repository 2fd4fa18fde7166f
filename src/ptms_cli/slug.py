"""The one slug function of ptms: a name -> ASCII lower-case letters and digits joined by a separator.

Used for default identifiers (wizard), cost-category ids (« _ ») and file and folder names
(« Ville d'Été » -> « ville-d-ete »). With the defaults a slug is always a valid project identifier
(`model.base.Id`: at most 64 characters, never empty).
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def slug(text: str, *, sep: str = "-", max_len: int | None = 64, fallback: str = "x") -> str:
    """« Ville d'Été » -> « ville-d-ete » (« Cœur » -> « coeur », not « cur »); `fallback` when nothing is left."""
    text = text.translate(_LIGATURES)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    s = sep.join(re.findall(r"[a-z0-9]+", plain))
    if max_len is not None:
        s = s[:max_len].strip(sep)
    return s or fallback
