"""Staffing from the posts' dates (`ptms_cli.staffing`): FTE per month and per year, continuations,
post types, the continuation rules (PTMS-E090, W070) and `ptms status`."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli import staffing
from ptms_cli.model import Project
from ptms_cli.status import project_status
from ptms_cli.validation import validate_file

DAY = timedelta(days=1)


def project(posts, start=date(2026, 1, 1), end=date(2028, 12, 31), sectors=()) -> Project:
    return Project.model_validate({
        "schema_version": 1, "name": "Essai",
        "territory": {"name": "Ville", "kind": "commune", "sectors": [{"id": "a", "name": "A"}]},
        "period": {"start": start, "end": end},
        "partners": [{"id": "ville", "name": "Ville", "kind": "commune"}],
        "service": {"name": "Service", "operator": "ville", "posts": list(posts), "sectors": list(sectors)},
    })


def post(pid, title="Médiateur social", fte="1", count=1, start=None, end=None, continues=None, post_type=None):
    out = {"id": pid, "title": title, "fte": fte, "count": count, "contract": "cdi"}
    for key, value in (("start", start), ("end", end), ("continues", continues), ("post_type", post_type)):
        if value is not None:
            out[key] = value
    return out


# --- The scenario of issue 13: 17,2 ETP in the documents for a peak of 12,6 ---------------------

def issue_posts():
    """Seven post lines for four types; the PEC continues as a CDI with the same people."""
    return [
        post("coord", "Coordinateur du service"),                                              # 1
        post("cdi", "Médiateur social", count=3),                                              # 3
        post("ar", "Médiateur adulte-relais", count=3, start=date(2025, 1, 1), end=date(2027, 12, 31)),
        post("ar-suite", "Médiateur adulte-relais", count=3, start=date(2028, 1, 1), continues="ar"),
        post("pec", "Agent de médiation", fte="0.8", count=2, start=date(2026, 7, 1), end=date(2027, 6, 30)),
        post("pec-cdi", "Agent de médiation", fte="0.8", count=2, continues="pec"),           # no start: see below
        post("renforts", "Médiateur social", count=4, start=date(2027, 1, 1)),
    ]


def test_issue_scenario_peak_is_12_6_not_the_sum_17_2():
    posts = issue_posts()
    posts[5]["start"] = date(2027, 7, 1)
    p = project(posts, date(2026, 7, 1), date(2029, 6, 30))
    assert sum(Fraction(x.fte) * x.count for x in p.service.posts) == Fraction("17.2")  # what the documents said
    s = staffing.compute(p)
    assert [y.label for y in s.years] == ["2026", "2027", "2028", "2029"]
    assert s.low == s.start == Fraction("8.6") and s.peak == Fraction("12.6")
    assert [(y.start, y.peak, y.average) for y in s.years] == [
        (Fraction("8.6"), Fraction("8.6"), Fraction("8.6")),
        (Fraction("12.6"), Fraction("12.6"), Fraction("12.6")),
        (Fraction("12.6"), Fraction("12.6"), Fraction("12.6")),
        (Fraction("12.6"), Fraction("12.6"), Fraction("12.6")),
    ]
    assert (s.types, s.entries) == (4, 7)
    assert staffing.range_text(s) == "de 8,6 à 12,6 ETP"
    assert staffing.types_text(s) == "4 types de poste (7 lignes de poste)"


def test_a_continuation_replaces_an_open_ended_post_from_its_start():
    p = project([post("a", count=2), post("b", count=2, start=date(2027, 7, 1), continues="a")])
    s = staffing.compute(p)
    assert [float(m.fte) for m in s.months] == [2.0] * 36  # never 4
    held = {h.post: (h.start, h.end) for h in s.held}
    assert held == {"a": (date(2026, 1, 1), date(2027, 6, 30)), "b": (date(2027, 7, 1), date(2028, 12, 31))}
    without = staffing.compute(project([post("a", count=2), post("b", count=2, start=date(2027, 7, 1))]))
    assert without.peak == 4  # the same two lines without `continues` are two teams


def test_partial_months_are_prorated_by_days_and_nothing_counts_outside_the_period():
    p = project([post("a", start=date(2025, 6, 1), end=date(2026, 1, 10)), post("b", fte="0.5", start=date(2028, 12, 16))])
    s = staffing.compute(p)
    january = s.months[0]
    assert (january.start, january.end, january.fte) == (date(2026, 1, 1), date(2026, 1, 31), Fraction(10, 31))
    assert s.months[-1].fte == Fraction(1, 2) * Fraction(16, 31)
    assert all(m.fte == 0 for m in s.months[1:-1])
    assert sum(m.days for m in s.months) == (date(2028, 12, 31) - date(2026, 1, 1)).days + 1


def test_a_mid_month_period_measures_its_first_month_on_its_own_days():
    s = staffing.compute(project([post("a")], date(2026, 7, 15), date(2027, 7, 14)))
    assert s.months[0].start == date(2026, 7, 15) and s.months[0].fte == 1  # held every day of the period in July
    assert s.months[-1].end == date(2027, 7, 14) and s.peak == s.low == s.average == 1


def test_convention_years_can_be_passed_as_spans():
    p = project([post("a"), post("b", start=date(2027, 1, 1))], date(2026, 7, 1), date(2028, 6, 30))
    s = staffing.compute(p, [(date(2026, 7, 1), date(2027, 6, 30), "Année 1"), (date(2027, 7, 1), date(2028, 6, 30), "Année 2")])
    assert [y.label for y in s.years] == ["Année 1", "Année 2"]
    first, second = s.years
    assert (first.start, first.peak, first.low) == (1, 2, 1)
    assert first.average == Fraction(184 * 1 + 181 * 2, 365)  # 184 days alone, 181 days with b
    assert (second.start, second.peak, second.average) == (2, 2, 2)


def test_types_are_post_types_or_titles():
    posts = [post("a", "Médiateur", post_type="med"), post("b", "Autre intitulé", post_type="med"),
             post("c", "Agent  PEC"), post("d", "agent pec"), post("e", "Coordinateur")]
    s = staffing.compute(project(posts))
    assert (s.types, s.entries) == (3, 5)


def test_without_period_there_are_no_months_but_types_are_counted():
    p = project([post("a"), post("b", "Coordinatrice")])
    p.period = None
    s = staffing.compute(p)
    assert s.years == () and (s.types, s.entries) == (2, 2)


def test_cycles_and_self_links_are_ignored_by_the_computation():
    posts = [post("a", continues="b"), post("b", continues="a"), post("c", continues="c"), post("d")]
    assert sorted(staffing.cycles(project(posts).service.posts)) == ["a", "b"]
    assert staffing.continuation_links(project(posts).service.posts) == {}
    assert staffing.compute(project(posts)).peak == 4


# --- Properties over random periods and post dates ----------------------------------------------

@st.composite
def scenario(draw):
    start = date(2024, 1, 1) + draw(st.integers(0, 700)) * DAY
    end = start + draw(st.integers(182, 6 * 365)) * DAY
    n = draw(st.integers(0, 6))
    posts = []
    for i in range(n):
        p_start = draw(st.none() | st.integers(-200, 6 * 365).map(lambda d: start + d * DAY))
        p_end = draw(st.none() | st.integers(0, 4 * 365).map(lambda d: (p_start or start) + d * DAY))
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        posts.append(post(f"p{i}", fte=draw(st.sampled_from(["0.5", "0.8", "1"])), count=draw(st.integers(1, 3)),
                          start=p_start, end=p_end, continues=f"p{parent}" if parent is not None else None))
    return project(posts, start, end)


def brute_daily(p: Project) -> dict[date, Fraction]:
    """FTE held each day, written independently of the module: a post's days, cut by its continuations."""
    period = p.period
    posts = {x.id: x for x in p.service.posts}
    out = {}
    day = period.start
    while day <= period.end:
        total = Fraction(0)
        for x in posts.values():
            first = max(x.start or period.start, period.start)
            last = min(x.end or period.end, period.end)
            for child in posts.values():
                if child.continues == x.id:
                    last = min(last, max(child.start or period.start, period.start) - DAY)
            if first <= day <= last:
                total += Fraction(x.fte) * x.count
        out[day] = total
        day += DAY
    return out


@settings(max_examples=60, deadline=None)
@given(scenario())
def test_staffing_properties(p):
    s = staffing.compute(p)
    daily = brute_daily(p)
    months = s.months
    assert months[0].start == p.period.start and months[-1].end == p.period.end  # nothing outside the period
    assert sum(m.days for m in months) == len(daily)
    for m in months:
        days = [daily[m.start + k * DAY] for k in range(m.days)]
        assert m.fte == sum(days, Fraction(0)) / m.days  # a month is the average of its days
    for y in s.years:
        assert y.peak >= y.average >= y.low >= 0
        ydays = [v for d, v in daily.items() if y.span.start <= d <= y.span.end]
        assert y.average == sum(ydays, Fraction(0)) / len(ydays)
    held = {h.post: h for h in s.held}
    for child, parent in staffing.continuation_links(p.service.posts).items():  # a continued pair never counts twice
        if child in held and parent in held:
            assert held[parent].end < held[child].start


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 30), st.integers(1, 30), st.integers(1, 3), st.sampled_from(["0.5", "0.8", "1"]))
def test_whole_months_are_exact(first_month, length, count, fte):
    start = date(2026, 1, 1)
    m0 = first_month
    m1 = min(m0 + length, 35)
    p_start = date(2026 + m0 // 12, m0 % 12 + 1, 1)
    p_end = date(2026 + (m1 + 1) // 12, (m1 + 1) % 12 + 1, 1) - DAY
    s = staffing.compute(project([post("a", fte=fte, count=count, start=p_start, end=p_end)], start))
    for k, m in enumerate(s.months):
        assert m.fte == (Fraction(fte) * count if m0 <= k <= m1 else 0)


# --- The rules on continuations --------------------------------------------------------------------

def test_continuation_rules_are_located(write_project, commune):
    data = copy.deepcopy(commune)
    posts = data["service"]["posts"]
    posts.append({"id": "suite", "title": "Médiateur social", "contract": "cdi", "continues": "suite"})
    posts.append({"id": "x1", "title": "Médiateur social", "contract": "cdi", "continues": "x2"})
    posts.append({"id": "x2", "title": "Médiateur social", "contract": "cdi", "continues": "x1"})
    ar = next(x for x in posts if x.get("contract") == "adulte_relais")
    posts.append({"id": "ar-cdi", "title": "Médiateur social", "contract": "cdi", "continues": ar["id"],
                  "start": (ar["end"] + timedelta(days=90)).isoformat()})
    posts.append({"id": "sans-date", "title": "Médiateur social", "contract": "cdi", "continues": "ar-cdi"})
    posts.append({"id": "inconnu", "title": "Médiateur social", "contract": "cdi", "continues": "personne"})
    path = write_project(data)
    result = validate_file(path)
    by_path = {(f.code, f.path): f for f in result.findings if f.code in ("PTMS-E090", "PTMS-W090", "PTMS-E021")}
    n = len(posts)
    assert "se prolonge lui-même" in by_path[("PTMS-E090", f"service.posts[{n - 6}].continues")].message
    assert "boucle" in by_path[("PTMS-E090", f"service.posts[{n - 5}].continues")].message
    assert ("PTMS-E090", f"service.posts[{n - 4}].continues") in by_path
    late = by_path[("PTMS-W090", f"service.posts[{n - 3}].start")]
    assert "89 jours après la fin" in late.message and f"« {ar['id']} »" in late.message
    assert "lendemain" in late.hint
    assert "sans date de début" in by_path[("PTMS-W090", f"service.posts[{n - 2}].continues")].message
    assert ("PTMS-E021", f"service.posts[{n - 1}].continues") in by_path
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "continues: suite" in lines[by_path[("PTMS-E090", f"service.posts[{n - 6}].continues")].line - 1]


def test_a_continuation_the_day_after_raises_nothing(write_project, commune):
    data = copy.deepcopy(commune)
    ar = next(x for x in data["service"]["posts"] if x.get("contract") == "adulte_relais")
    data["service"]["posts"].append({"id": "ar-cdi", "title": "Médiateur adulte-relais", "contract": "cdi",
                                     "continues": ar["id"], "start": (ar["end"] + timedelta(days=1)).isoformat()})
    codes = [f.code for f in validate_file(write_project(data)).findings]
    assert "PTMS-W090" not in codes and "PTMS-E090" not in codes


# --- ptms status -----------------------------------------------------------------------------------

def test_status_counts_post_types_not_lines():
    p = project(issue_posts(), date(2026, 7, 1), date(2029, 6, 30))
    p.service.posts[5].start = date(2027, 7, 1)
    step2 = project_status(p)[1]
    line = next(x for x in step2.done if "type" in x)
    assert line == "4 types de poste (7 lignes de poste), de 8,6 à 12,6 ETP selon les mois"


def test_status_command_prints_the_types(ptms, intercommunal, write_project):
    r = ptms("status", write_project(intercommunal))
    assert r.code == 0, r.err
    s = staffing.compute(Project.model_validate(intercommunal))
    from ptms_cli.documents.typography import typeset  # the terminal speaks French typography

    assert typeset(f"✔ {s.types} types de poste ({s.entries} lignes de poste), {staffing.range_text(s)} selon les mois") in r.out
    assert s.types < s.entries  # the example has several lines for the same type
