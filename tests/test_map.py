"""The map around a central theme: spots and links as facets of the wall's items."""

from __future__ import annotations

import math

import pytest

from kiosk.core import activities as catalogue
from kiosk.core.activities import map as maps
from kiosk.core.activities.map import CENTRE_MAX, MapBoard, MapError, pair
from kiosk.core.wall import Wall, WallError

SID = "s1"


@pytest.fixture
def wall(store, save_session, clock):
    return Wall(store, save_session(SID), clock)


def board(wall, store, centre=None):
    return MapBoard(wall, store, SID, "fortaelling", centre=centre, kind="punkt")


def reopened(store, clock):
    return Wall(store, SID, clock)


def test_write_place_move_and_take_off(wall, store, clock):
    m = board(wall, store)
    a = m.write("Hyppige lederskift", 0.2, 0.8)
    b = wall.add_note("punkt", "Teammøder bliver aflyst", step="skriv")
    assert (a.kind, a.step, a.map_at) == ("punkt", "fortaelling", (0.2, 0.8))
    assert [i.key for i in maps.tray(wall)] == [b.key]
    m.place(b.key, 1.4, -0.3)                                   # past the edge: on the edge
    assert reopened(store, clock).item(b.key).map_at == (1.0, 0.0)
    assert [i.key for i in maps.placed(wall)] == [a.key, b.key] and maps.tray(wall) == []
    m.unplace(a.key)
    assert reopened(store, clock).item(a.key).map_at is None
    assert wall.undo() and reopened(store, clock).item(a.key).map_at == (0.2, 0.8)


def test_link_toggles_either_way_and_is_one_undo(wall, store, clock):
    m = board(wall, store)
    a, b, c = (m.write(t, 0.1 * i, 0.5).key for i, t in
               enumerate(("Hård tone", "Dem og os", "Personaleflugt"), start=1))
    assert m.toggle_link(a, b) is True
    assert m.toggle_link(c, b) is True
    assert maps.links(reopened(store, clock)) == [pair(a, b), pair(b, c)]
    assert maps.linked(wall, b, a) and maps.degree(wall) == {a: 1, b: 2, c: 1}
    assert m.toggle_link(b, a) is False                          # the same pair, tapped the other way
    assert maps.links(reopened(store, clock)) == [pair(b, c)]
    assert wall.undo()                                           # the link is back
    assert maps.links(reopened(store, clock)) == [pair(a, b), pair(b, c)]
    assert wall.undo()                                           # c–b gone again
    assert maps.links(reopened(store, clock)) == [pair(a, b)]


def test_a_link_to_a_deleted_or_grouped_note_disappears(wall, store, clock):
    m = board(wall, store)
    a, b, c = (m.write(t, 0.3, 0.3) for t in ("Travlhed", "Fejl i vagtplan", "Sygefravær"))
    m.toggle_link(a.key, b.key)
    m.toggle_link(b.key, c.key)
    m.delete(b.id)
    assert maps.links(reopened(store, clock)) == []
    assert wall.undo()                                           # the note is back, so are its links
    assert maps.links(reopened(store, clock)) == [pair(a.key, b.key), pair(b.key, c.key)]
    wall.group(a.key, c.key)                                     # a and c now one group: neither is an item
    assert maps.links(reopened(store, clock)) == []
    m.unplace(b.key)
    assert maps.links(wall) == []


def test_refusals_change_nothing(wall, store, clock):
    m = board(wall, store)
    a = m.write("Ét punkt", 0.5, 0.9)
    off = wall.add_note("punkt", "Ikke på kortet", step="skriv")
    cases = [
        (lambda: m.toggle_link(a.key, a.key), "same_item"),
        (lambda: m.toggle_link(a.key, off.key), "not_on_map"),
        (lambda: m.toggle_link(a.key, "n999"), "unknown_item"),
        (lambda: m.place("x1", 0.5, 0.5), "unknown_item"),
        (lambda: m.place(a.key, float("nan"), 0.5), "bad_position"),
        (lambda: m.write("   ", 0.5, 0.5), "note_empty"),
        (lambda: m.write("x" * 141, 0.5, 0.5), "note_long"),
        (lambda: m.set_centre(""), "centre_empty"),
        (lambda: m.set_centre("x" * (CENTRE_MAX + 1)), "centre_long"),
    ]
    for intent, reason in cases:
        with pytest.raises(WallError) as e:
            intent()
        assert e.value.reason == reason
    assert isinstance(e.value, MapError)
    w = reopened(store, clock)
    assert [(n.text, n.map_at, n.links) for n in w.notes()] == [
        ("Ét punkt", (0.5, 0.9), ()), ("Ikke på kortet", None, ())]
    assert m.centre == ""


def test_the_central_theme_from_the_method_or_typed_with_undo(wall, store, clock):
    m = board(wall, store, centre="Hård tone")
    assert m.centre == "Hård tone"
    m.set_centre("  Hård   tone og  dem og os ")
    assert board(wall, store).centre == "Hård tone og dem og os"    # stored, read by a new board
    m.set_centre("Faglighed under pres")
    assert m.undo() and board(wall, store).centre == "Hård tone og dem og os"
    assert m.undo() and m.centre == "Hård tone"                      # back to the method's
    assert not m.undo()
    other = MapBoard(wall, store, SID, "andet-kort")
    assert other.centre == ""                                        # one centre per map step


def test_stored_garbage_reads_as_nothing(wall, store, clock):
    n = wall.add_note("punkt", "Noget", step="s")
    store.update(SID, "notes", n.id, {"links": "n1", "map_at": None})
    assert reopened(store, clock).item(n.key).links == ()
    store.update(SID, "notes", n.id, {"links": ["n1", 5, "n1", None]})
    assert reopened(store, clock).item(n.key).links == ("n1",)


def test_the_catalogue_checks_map_params():
    assert catalogue.validate_params("map", {}) == []
    assert catalogue.with_defaults("map", {}) == {"write": True, "max_length": 140}
    assert catalogue.makes_notes("map", {"write": True}) and not catalogue.makes_notes("map", {"write": False})
    assert catalogue.validate_params("map", {"centre": ""})[0][0] == "centre"
    assert catalogue.validate_params("map", {"kind": "Not a slug"})[0][0] == "kind"
    assert catalogue.validate_params("actions", {"questions": [{"id": "a", "title": "A"}], "trial": 1})[0][0] == "trial"
    full = catalogue.with_defaults("actions", {"questions": [{"id": "a", "title": "A"}]})
    assert full["trial"] is False and full["review_weeks"] == 4


def test_a_second_map_step_goes_on_with_the_typed_centre(wall, store, clock):
    first = board(wall, store)
    first.set_centre("Hård tone")
    second = MapBoard(wall, store, SID, "respons")
    assert second.centre == "Hård tone"
    assert MapBoard(wall, store, SID, "respons", centre="Eget tema").centre == "Eget tema"
    second.set_centre("Hård tone og travlhed")
    assert first.centre == "Hård tone" and second.centre == "Hård tone og travlhed"


def test_a_new_point_lands_away_from_the_others():
    first = maps.free_spot([])
    assert first == pytest.approx((0.5, 0.84))                   # straight above the centre
    second = maps.free_spot([first])
    assert second == pytest.approx((0.5, 0.16))                  # then the opposite side
    spots = [first, second]
    for _ in range(6):
        spots.append(maps.free_spot(spots))
    assert min(math.dist(a, b) for i, a in enumerate(spots) for b in spots[i + 1:]) > 0.2
