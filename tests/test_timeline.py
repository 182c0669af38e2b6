"""The timeline core: notes on years, the span fixed at first opening, periods, undo."""

from __future__ import annotations

import pytest

from kiosk.core.activities.timeline import Timeline, span, this_year
from kiosk.core.wall import Wall, WallError

pytestmark = pytest.mark.running_session
SID = "s1"


@pytest.fixture
def wall(store, clock):
    return Wall(store, SID, clock)


def make(store, clock, wall=None, params=None):
    return Timeline(store, SID, clock, wall or Wall(store, SID, clock), "tidslinje",
                    params or {"span_years": 10})


def test_span_years_back_to_this_year_and_the_future():
    assert span(2027, 5) == [2023, 2024, 2025, 2026, 2027]
    assert span(2027, 3, 2) == [2025, 2026, 2027, 2028, 2029]
    with pytest.raises(WallError, match="bad_span"):
        span(2027, 0)
    with pytest.raises(WallError, match="bad_span"):
        span(2027, 5, -1)


def test_the_years_stay_put_after_new_year_and_a_restart(store, clock, wall):
    line = make(store, clock, wall)
    year = this_year(clock.now())
    assert line.years == list(range(year - 9, year + 1))
    clock.advance(400 * 24 * 3600)          # more than a year later, the same step again
    assert this_year(clock.now()) == year + 1
    assert make(store, clock).years == line.years


def test_place_move_and_take_off_a_note_with_undo(store, clock, wall):
    line = make(store, clock, wall)
    y = line.years
    a = wall.add_note("begivenhed", "Ny leder", step="skriv")
    b = wall.add_note("begivenhed", "Fusion", step="skriv")
    line.place(a.id, y[2])
    line.place(b.id, y[2])
    assert [n.text for n in line.on(y[2])] == ["Ny leder", "Fusion"]
    assert line.counts()[y[2]] == 2 and [n.id for n in line.unplaced()] == []
    line.place(a.id, y[5])
    assert Wall(store, SID, clock).item(a.key).year == y[5]     # on disk
    assert wall.undo() and wall.item(a.key).year == y[2]
    line.unplace(b.id)
    assert [n.id for n in line.unplaced()] == [b.id]


def test_a_year_outside_the_span_or_garbage_is_refused(store, clock, wall):
    line = make(store, clock, wall, {"span_years": 5, "future_years": 2})
    n = wall.add_note("begivenhed", "Ny leder", step="skriv")
    for bad in (line.years[0] - 1, line.years[-1] + 1, "2026", None, True, 2026.0):
        with pytest.raises(WallError, match="year_outside"):
            line.place(n.id, bad)
    assert wall.item(n.key).year is None
    line.place(n.id, line.years[-1])        # the future is on the line in this variant
    with pytest.raises(WallError, match="unknown_note"):
        line.place(12345, line.years[0])
    with pytest.raises(WallError, match="note_empty"):
        line.write("begivenhed", "  ", line.years[0])


def test_write_straight_onto_a_year(store, clock, wall):
    line = make(store, clock, wall)
    n = line.write("begivenhed", "Nyt journalsystem", line.years[4])
    assert n.year == line.years[4] and n.step == "tidslinje"


def test_periods_over_years_with_undo_and_restart(store, clock, wall):
    line = make(store, clock, wall)
    y = line.years
    p = line.add_period("  Fusionen  ", y[6], y[3])          # either order
    assert (p.name, p.first, p.last) == ("Fusionen", y[3], y[6])
    q = line.add_period("Ny ledelse", y[8], y[9])
    assert [x.name for x in make(store, clock).periods()] == ["Fusionen", "Ny ledelse"]
    line.rename_period(q.id, "Stabil periode")
    line.remove_period(p.id)
    assert [x.name for x in line.periods()] == ["Stabil periode"]
    assert line.undo() and [x.name for x in line.periods()] == ["Fusionen", "Stabil periode"]
    assert line.undo() and line.periods()[1].name == "Ny ledelse"
    assert line.undo() and line.undo() and line.periods() == [] and not line.undo()
    assert make(store, clock).periods() == []
    for bad, reason in ((" ", "period_empty"), ("x" * 41, "period_long"), (None, "period_empty")):
        with pytest.raises(WallError, match=reason):
            line.add_period(bad, y[0], y[1])
    with pytest.raises(WallError, match="year_outside"):
        line.add_period("Før", y[0] - 1, y[1])
    with pytest.raises(WallError, match="unknown_period"):
        line.remove_period(999)


def test_forty_notes_stack_per_year(store, clock, wall):
    line = make(store, clock, wall, {"span_years": 15})
    for i in range(40):
        line.write("begivenhed", f"Note {i}", line.years[i % 15])
    counts = line.counts()
    assert sum(counts.values()) == 40 and max(counts.values()) == 3 and len(counts) == 15


def test_a_full_disk_at_first_opening_still_shows_the_line(store, clock, wall, monkeypatch):
    from kiosk.core.activities.timeline import TIMELINES
    from kiosk.store import StoreError

    real = store.insert
    monkeypatch.setattr(store, "insert", lambda *a: (_ for _ in ()).throw(StoreError("full", "/d", "full")))
    line = make(store, clock, wall)
    assert len(line.years) == 10 and store.all(SID, TIMELINES) == []
    monkeypatch.setattr(store, "insert", real)
    assert make(store, clock).years == line.years and len(store.all(SID, TIMELINES)) == 1


# -- period rows ------------------------------------------------------------------------------

def P(pid, first, last):
    from kiosk.core.activities.timeline import Period

    return Period(pid, "tidslinje", f"p{pid}", first, last)


def test_overlapping_periods_get_rows_of_their_own():
    from kiosk.core.activities.timeline import period_rows

    # the brief's three: Fusionen 2015–2018, Ny leder 2017–2020, Corona 2020–2021
    rows = period_rows([P(3, 2020, 2021), P(1, 2015, 2018), P(2, 2017, 2020)])
    assert rows == {1: 0, 2: 1, 3: 0}           # Corona fits after Fusionen, not beside Ny leder
    # three over one year need three rows; a period that touches only the year after
    # the first ended goes back up
    rows = period_rows([P(1, 2015, 2018), P(2, 2017, 2020), P(3, 2018, 2019), P(4, 2019, 2022)])
    assert rows == {1: 0, 2: 1, 3: 2, 4: 0}
    assert period_rows([]) == {}
    assert period_rows([P(1, 2020, 2020), P(2, 2020, 2020)]) == {1: 0, 2: 1}   # one year, twice
    assert period_rows([P(1, 2015, 2016), P(2, 2017, 2018)]) == {1: 0, 2: 0}   # side by side


def test_no_two_periods_in_a_row_share_a_year_and_rows_are_as_few_as_can_be():
    import random

    from kiosk.core.activities.timeline import most_overlapping, period_rows

    rnd = random.Random(7)
    for _ in range(300):
        periods = []
        for pid in range(1, rnd.randint(1, 9)):
            a, b = sorted((rnd.randint(2010, 2024), rnd.randint(2010, 2024)))
            periods.append(P(pid, a, b))
        rows = period_rows(periods)
        assert set(rows) == {p.id for p in periods}
        for p in periods:
            for q in periods:
                if p.id < q.id and rows[p.id] == rows[q.id]:
                    assert p.last < q.first or q.last < p.first
        deepest = most_overlapping(periods, 2010, 2024)
        assert len(set(rows.values())) == deepest   # the busiest year decides, nothing more


def test_a_fourth_heading_over_one_year_is_refused_and_nothing_is_stored(store, clock, wall):
    from kiosk.core.activities.timeline import MAX_OVERLAP, PERIODS

    line = make(store, clock, wall)
    y = line.years
    line.add_period("Fusionen", y[1], y[4])
    line.add_period("Ny leder", y[3], y[6])
    assert not line.crowded(y[4], y[4])
    line.add_period("Corona", y[6], y[4])         # three over y[4]: still fine
    assert MAX_OVERLAP == 3 and line.period_rows() == {p.id: r for p, r in zip(line.periods(), (0, 1, 2))}
    assert line.crowded(y[4], y[4]) and line.crowded(y[0], y[9]) and not line.crowded(y[7], y[9])
    with pytest.raises(WallError, match="period_crowded"):
        line.add_period("Sparerunden", y[2], y[5])
    assert len(store.all(SID, PERIODS)) == 3 and len(make(store, clock).periods()) == 3
    line.add_period("Ro på", y[7], y[9])          # beside them is fine: it goes up in row 0
    assert line.period_rows()[line.periods()[-1].id] == 0
    line.remove_period(line.periods()[0].id)      # one taken away: room for another
    assert not line.crowded(y[2], y[5])
    with pytest.raises(WallError, match="year_outside"):
        line.crowded(y[0] - 1, y[1])
