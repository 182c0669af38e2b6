"""Sign-ups: named notes on the wall, one theme per person, moved, withdrawn, undone."""

from __future__ import annotations

import pytest

from kiosk.core import activities as catalogue
from kiosk.core.activities.signup import (PERSON_MAX, SIGNUP_KIND, Signup, SignupError, clean_person,
                               same_person, theme_items)
from kiosk.core.activities.vote import VoteRound
from kiosk.core.wall import PARKING, Wall, WallError

SID = "s1"


@pytest.fixture
def wall(store, save_session, clock):
    return Wall(store, save_session(SID), clock)


def themes(wall):
    """Three notes and a group of two, as after meeting 1's dialogue on themes."""
    a, b, c, d, e = (wall.add_note("tema", t, step="dialog").key for t in
                     ("Arbeidsmengde", "Samarbeid med andre avdelinger", "Informasjon",
                      "Møter", "Møtekultur"))
    g = wall.group(e, d)
    wall.name_cluster(g.id, "Møter og møtekultur")
    return a, b, c, g.key


def reopened(store, clock):
    return Wall(store, SID, clock)


def test_names_are_cleaned_and_compared_as_people():
    assert clean_person("  Anne   B. ") == "Anne B."
    for bad, reason in (("", "person_empty"), ("   ", "person_empty"), (None, "person_empty"),
                        ("x" * (PERSON_MAX + 1), "person_long")):
        with pytest.raises(SignupError) as e:
            clean_person(bad)
        assert e.value.reason == reason
    assert same_person("anne  b", "Anne B") and not same_person("Anne", "Anne B")


def test_sign_up_move_withdraw_and_undo_each(wall, store, clock):
    a, b, c, g = themes(wall)
    s = Signup(wall, step="prioritering")
    ole = s.add(a, " Ole ")
    kari = s.add(a, "Kari")
    s.add(g, "Per")
    assert (ole.kind, ole.text, ole.signup, ole.step) == (SIGNUP_KIND, "Ole", a, "prioritering")
    assert s.counts([a, b, g]) == {a: 2, b: 0, g: 1}

    # names are not topics: items, notes and counts leave them out
    assert [i.key for i in wall.items()] == [a, b, c, g]
    assert all(n.kind != SIGNUP_KIND for n in wall.notes())

    s.move(kari.id, b)
    assert reopened(store, clock).item(kari.key).signup == b
    assert s.move(kari.id, b).signup == b                     # the same theme: no change
    s.withdraw(ole.id)
    grouped, elsewhere = Signup(reopened(store, clock), step="x").by_theme([a, b, g])
    assert {k: [n.text for n in v] for k, v in grouped.items()} == {a: [], b: ["Kari"], g: ["Per"]}
    assert elsewhere == []

    assert wall.undo()                                        # withdraw undone
    assert reopened(store, clock).item(ole.key).signup == a
    assert wall.undo()                                        # move undone
    assert reopened(store, clock).item(kari.key).signup == a
    assert wall.undo()                                        # Per's sign-up undone
    assert [n.text for n in reopened(store, clock).signups()] == ["Ole", "Kari"]


def test_one_theme_per_person_unless_the_method_allows_more(wall):
    a, b, _c, _g = themes(wall)
    s = Signup(wall, step="p")
    s.add(a, "Kari")
    for theme in (a, b):
        with pytest.raises(SignupError) as e:
            s.add(theme, "kari ")
        assert e.value.reason == "already_signed_up"
    free = Signup(wall, step="p", one_per_person=False)
    free.add(b, "Kari")                                        # a second theme is fine
    with pytest.raises(SignupError):
        free.add(b, "KARI")                                    # twice on one theme is not
    assert sorted(n.signup for n in wall.signups()) == sorted([a, b])


def test_moving_onto_a_theme_where_the_same_name_is_refused_when_several_are_allowed(wall):
    a, b, _c, _g = themes(wall)
    free = Signup(wall, step="p", one_per_person=False)
    first = free.add(a, "Kari")
    free.add(b, "Kari")
    with pytest.raises(SignupError) as e:
        free.move(first.id, b)
    assert e.value.reason == "already_signed_up"


def test_refusals_change_nothing(wall, store, clock):
    a, b, c, g = themes(wall)
    s = Signup(wall, step="p")
    n = s.add(a, "Ole")
    member = wall.cluster_notes(int(g[1:]))[0].key
    cases = [
        (lambda: s.add("n999", "Kari"), "unknown_item"),
        (lambda: s.add(member, "Kari"), "in_cluster"),          # a note inside a group is no theme
        (lambda: s.add(n.key, "Kari"), "unknown_item"),          # nor is a name
        (lambda: s.add("garbage", "Kari"), "unknown_item"),
        (lambda: s.add(a, ""), "person_empty"),
        (lambda: s.move(n.id, "c999"), "unknown_item"),
        (lambda: s.move(int(a[1:]), b), "not_a_signup"),         # a topic is not a sign-up
        (lambda: s.withdraw(9999), "unknown_note"),
    ]
    for intent, reason in cases:
        with pytest.raises(WallError) as e:
            intent()
        assert e.value.reason == reason
    assert [(x.text, x.signup) for x in reopened(store, clock).signups()] == [("Ole", a)]


def test_a_theme_that_left_the_list_keeps_its_names_in_sight(wall):
    a, b, _c, _g = themes(wall)
    s = Signup(wall, step="p")
    s.add(a, "Ole")
    s.add(b, "Kari")
    grouped, elsewhere = s.by_theme([b])
    assert [n.text for n in grouped[b]] == ["Kari"] and [n.text for n in elsewhere] == ["Ole"]


def test_which_items_are_the_themes(wall):
    a, b, c, g = themes(wall)
    assert [i.key for i in theme_items(wall, "all")] == [a, b, c, g]
    assert [i.key for i in theme_items(wall, "clusters")] == [g]
    assert [i.key for i in theme_items(wall, "chosen")] == [a, b, c, g]   # none chosen: all
    # the hand-count vote carries the winners forward: they are the themes
    r = VoteRound(wall.store, SID, "stemme", budget=1, mode="hands", items=[a, b, c, g])
    for key, hands in ((a, 7), (b, 2), (c, 5), (g, 9)):
        r.set_hand_count(key, hands)
    top = [x.key for x in r.ranking()[:3]]
    wall.carry_forward(top, rest_to_parking=True)
    assert [i.key for i in theme_items(wall, "chosen")] == [a, c, g]
    assert [i.key for i in theme_items(wall, "all")] == [a, c, g]          # parked left out
    assert wall.item(b).column == PARKING
    with pytest.raises(ValueError):
        theme_items(wall, "some")


def test_the_catalogue_checks_signup_params():
    assert catalogue.validate_params("signup", {}) == []
    assert catalogue.with_defaults("signup", {}) == {"themes": "chosen", "one_per_person": True,
                                                      "from_prepared": False}
    assert catalogue.validate_params("signup", {"themes": "winners"}) == [
        ("themes", "one of: chosen, clusters, all (got \"winners\")")]
    assert catalogue.validate_params("signup", {"one_per_person": "yes"})[0][0] == "one_per_person"
    assert catalogue.validate_params("signup", {"per_person": 1})[0][0] == "per_person"
    assert catalogue.needs_notes("signup", catalogue.with_defaults("signup", {}))
