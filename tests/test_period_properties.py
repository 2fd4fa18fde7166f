"""Property tests of the period rules over random periods (any start day, 6 months to 6 years), posts,
partners' participation and yearly amounts: nothing outside the period, the two year views split the
same total per line and per partner, each year balances exactly, whole months cost whole months."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptms_cli.funding import compute_plan, month_measure
from ptms_cli.funding.period import add_months
from ptms_cli.model import Project

ZERO = D("0.00")


@st.composite
def projects(draw):
    start = draw(st.dates(date(2025, 1, 1), date(2030, 12, 31)))
    months = draw(st.integers(6, 72))
    end = add_months(start, months) - timedelta(days=draw(st.integers(1, 20)))
    lo, hi = start - timedelta(days=500), end + timedelta(days=500)
    posts = []
    for i in range(draw(st.integers(1, 4))):
        a = draw(st.one_of(st.none(), st.dates(lo, hi)))
        b = draw(st.one_of(st.none(), st.dates(a or lo, hi)))
        contract = draw(st.sampled_from(["cdi", "pec", "adulte_relais"]))
        post = {"id": f"p{i}", "title": f"Poste {i}", "post_type": "med", "contract": contract,
                "count": draw(st.integers(1, 3)), "fte": draw(st.sampled_from([0.5, 0.8, 1]))}
        if contract == "pec":
            post.update(aid_rate=0.5, end=b or end)
        if contract == "adulte_relais":
            a = a or start
            post.update(start=a, end=min(b or end, add_months(a, 36) - timedelta(days=1)))
        else:
            post.update({k: v for k, v in (("start", a), ("end", post.get("end", b))) if v})
        posts.append(post)
    partners = [{"id": "ville", "name": "Ville", "kind": "commune"}, {"id": "etat", "name": "État", "kind": "prefecture"}]
    for i in range(draw(st.integers(1, 3))):
        p = {"id": f"c{i}", "name": f"Commune {i}", "kind": "commune"}
        if draw(st.booleans()):
            p["from"] = draw(st.dates(start, end))
        if draw(st.booleans()):
            p["until"] = draw(st.dates(p.get("from", start), end))
        partners.append(p)
    years = range(start.year, end.year + 1)
    d = {
        "schema_version": 1, "name": "Projet", "period": {"start": start, "end": end},
        "territory": {"name": "T", "kind": "commune", "sectors": [{"id": "s", "name": "S"}]},
        "partners": partners,
        "service": {"name": "S", "operator": "ville", "sectors": [{"sector": "s", "hours_per_week": 20}], "posts": posts},
        "budget": {"post_types": [{"id": "med", "label": "Médiateur", "yearly_cost": draw(st.sampled_from([40000, 41234.57]))}],
                   "indexation_rate": draw(st.sampled_from([0, 0.02])), "supervision": 10000, "overhead_rate": 0.07,
                   "lines": [{"label": "Ligne", "amounts": {y: 1000.01 for y in years}}]},
        "funding": {"resources": [{"id": "r", "kind": "fipd", "label": "FIPD", "partner": "etat",
                                   "amounts": {y: 500 for y in years}}],
                    "allocation": {"method": "equal", "partners": [{"partner": "ville"}] + [
                        {"partner": p["id"]} for p in partners[2:]]},
                    "years": draw(st.sampled_from(["calendar", "convention"]))},
    }
    return Project.model_validate(d)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(projects())
def test_nothing_outside_the_period_and_both_views_split_the_same_total(p):
    plan = compute_plan(p)
    start, end = p.period.start, p.period.end
    views = plan.views
    for years in views.values():
        assert years[0].start == start and years[-1].end == end
        assert all(a.end + timedelta(days=1) == b.start for a, b in zip(years, years[1:]))
        assert sum((y.months for y in years), Fraction(0)) == month_measure(start, end)
    for post in p.service.posts:  # a post wholly outside the period has no line
        if (post.end and post.end < start) or (post.start and post.start > end):
            assert not any(c.ref == f"post:{post.id}" for y in plan.years for c in y.costs)
    for attr in ("costs", "resources"):
        def totals(years, attr=attr):
            out: dict = {}
            for y in years:
                for x in getattr(y, attr):
                    out[x.ref] = out.get(x.ref, ZERO) + x.amount
            return out
        assert totals(views["calendar"]) == totals(views["convention"])

    def by_partner(years):
        out: dict = {}
        for y in years:
            for c in y.contributions:
                out[c.partner] = out.get(c.partner, ZERO) + c.total
        return {k: v for k, v in out.items() if v}
    assert by_partner(views["calendar"]) == by_partner(views["convention"])


@SETTINGS
@given(projects())
def test_each_year_of_each_view_balances_exactly_and_only_present_partners_pay(p):
    plan = compute_plan(p)
    if plan.allocation_issues:  # e.g. nobody of the key present some days: reported, not shared
        assert {i.kind for i in plan.allocation_issues} <= {"nobody_present", "negative_remainder"}
        return
    for years in plan.views.values():
        for y in years:
            assert y.balance == 0
            for c in y.contributions:
                partner = p.partner(c.partner)
                if c.total and (partner.from_ or partner.until):
                    lo, hi = max(y.start, partner.from_ or y.start), min(y.end, partner.until or y.end)
                    assert lo <= hi, (c.partner, y.label)


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2025, 1, 1), date(2030, 12, 31)), st.integers(6, 72), st.integers(0, 400), st.integers(1, 30))
def test_a_post_of_n_whole_months_inside_the_period_costs_n_monthly_costs(start, months, offset, n):
    """N whole calendar months (from a 1st to the last day of a month; a month partly worked counts
    pro rata of its days, as pay and the ASP's aids do), anywhere inside a period starting any day."""
    end = add_months(start, months) - timedelta(days=1)
    a = (start + timedelta(days=offset)).replace(day=1)
    b = add_months(a, n) - timedelta(days=1)
    if a < start:
        a = add_months(a, 1)
        b = add_months(a, n) - timedelta(days=1)
    if b > end:
        return
    d = {
        "schema_version": 1, "name": "Projet", "period": {"start": start, "end": end},
        "territory": {"name": "T", "kind": "commune"},
        "partners": [{"id": "ville", "name": "Ville", "kind": "commune"}],
        "service": {"name": "S", "operator": "ville", "posts": [
            {"id": "p", "title": "P", "post_type": "med", "start": a, "end": b}]},
        "budget": {"post_types": [{"id": "med", "label": "Médiateur", "yearly_cost": 41234.57}]},
    }
    plan = compute_plan(Project.model_validate(d))
    lines = [c.amount for y in plan.years for c in y.costs if c.ref == "post:p"]
    exact = Fraction(D("41234.57")) * n / 12
    # exact per segment, rounded once per segment at the cent: within half a cent per segment
    assert abs(Fraction(sum(lines, ZERO)) - exact) <= Fraction(len(plan.segments), 200)
    assert sum((month_measure(max(a, s.start), min(b, s.end)) for s in plan.segments if s.start <= b and a <= s.end),
               Fraction(0)) == n
