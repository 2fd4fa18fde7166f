"""The annual report as one standalone HTML page for the steering committee: the same content as the
Word report, charts inlined as base64 PNG with their text alternative (`alt`), no external resource
(no script, font, stylesheet or picture fetched: the page works offline and in a mail attachment)."""

from __future__ import annotations

import base64

from jinja2 import Environment

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bilan {{ r.year }} — {{ project.name }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .9rem; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #e6e6e6; } td.n { text-align: right; white-space: nowrap; }
tfoot td { font-weight: bold; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; font-style: italic; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
</style>
</head>
<body>
<header>
<h1>Bilan d'activité et d'évaluation {{ r.year }}</h1>
<p>{{ project.name }} — présenté au comité de pilotage par {{ operator }}.</p>
{% if r.convention %}<p>{{ r.convention }}{% if r.signed_sha256 %} (version signée enregistrée, empreinte {{ r.signed_sha256 }}…){% endif %}.</p>{% endif %}
</header>
<main>
<section aria-labelledby="ind">
<h2 id="ind">Résultats des indicateurs</h2>
<p>{{ r.indicators_entered }} {{ 'indicateurs renseignés' if r.indicators_entered > 1 else 'indicateur renseigné' }} pour {{ r.year }}, par registre d'utilité sociale (CITER) et par niveau.</p>
<table>
<thead><tr><th scope="col">Indicateur</th><th scope="col">Registre</th><th scope="col">Niveau</th><th scope="col">Départ</th>
<th scope="col">Cible</th><th scope="col">{{ r.year }}</th><th scope="col">{{ r.previous_year }}</th><th scope="col">Atteint</th></tr></thead>
<tbody>
{% for i in r.indicators %}<tr><td>{{ i.label }}</td><td>{{ i.register }}</td><td>{{ i.level }}</td><td>{{ i.baseline }}</td>
<td>{{ i.target }}</td><td class="n">{{ i.value }}</td><td class="n">{{ i.previous }}</td><td>{{ i.reached }}</td></tr>
{% endfor %}</tbody>
</table>
{% if charts.indicators %}<figure><img src="data:image/png;base64,{{ charts.indicators }}" alt="{{ r.alt_indicators }}">
<figcaption>{{ r.alt_indicators }}</figcaption></figure>{% endif %}
</section>
<section aria-labelledby="bud">
<h2 id="bud">Budget exécuté</h2>
<table>
<thead><tr><th scope="col">Catégorie</th><th scope="col">Prévu</th><th scope="col">Réalisé</th><th scope="col">Écart</th></tr></thead>
<tbody>
{% for b in r.budget %}<tr><td>{{ b.label }}</td><td class="n">{{ b.planned }}</td><td class="n">{{ b.actual }}</td><td class="n">{{ b.gap }}</td></tr>
{% endfor %}</tbody>
<tfoot><tr><td>Total</td><td class="n">{{ r.planned_total }}</td><td class="n">{{ r.actual_total }}</td><td class="n">{{ r.gap_total }}</td></tr></tfoot>
</table>
{% if charts.budget %}<figure><img src="data:image/png;base64,{{ charts.budget }}" alt="{{ r.alt_budget }}">
<figcaption>{{ r.alt_budget }}</figcaption></figure>{% endif %}
<h3>Versements des partenaires</h3>
<table>
<thead><tr><th scope="col">Partenaire</th><th scope="col">Dû (plan)</th><th scope="col">Reçu</th><th scope="col">Solde</th></tr></thead>
<tbody>
{% for p in r.partners %}<tr><td>{{ p.name }}</td><td class="n">{{ p.planned }}</td><td class="n">{{ p.received }}</td><td class="n">{{ p.balance }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="next">
<h2 id="next">Ce qui change l'an prochain</h2>
{% if r.next_year %}<ul>{% for x in r.next_year %}<li>{{ x }}</li>{% endfor %}</ul>
{% else %}<p>Aucun changement prévu par le plan de financement.</p>{% endif %}
</section>
</main>
</body>
</html>
"""


def page(context: dict, charts: dict[str, bytes | None]) -> bytes:
    """The HTML page of a report context (`report.context`); `charts`: name -> PNG bytes or None."""
    env = Environment(autoescape=True, keep_trailing_newline=True)
    encoded = {k: base64.b64encode(v).decode("ascii") if v else "" for k, v in charts.items()}
    operator = (context.get("service") or {}).get("operator", {}).get("name", "l'opérateur")
    return env.from_string(PAGE).render(r=context["report"], project=context["project"], charts=encoded,
                                        operator=operator).encode("utf-8")
