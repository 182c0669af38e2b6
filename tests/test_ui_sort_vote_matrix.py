"""The sort, vote and matrix views in a real window, used with real touches.

Each test starts a trivselsdialog by tapping, puts post-its on the wall through the
core (as earlier steps would have), goes to the step, then drags and taps cards
on the NoteBoard and checks the store, reopened, so what the screen claims is on disk.
"""

from __future__ import annotations

import pytest

from kiosk.core.wall import PARKING, Wall

pytestmark = pytest.mark.window

SCREENSHOTS_DIR = "screenshots/tests"


# -- helpers ---------------------------------------------------------------------------------

def start_workshop(k, team="A"):
    k.tap("start")
    k.pick_method("trivselsdialog")
    k.type(k.find("keyboard"), team)
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice
    return k.app.workshop.session


def go_to(k, step_id):
    from kiosk.ui.act import FAILED

    ws = k.app.workshop
    assert k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws) is not FAILED
    k.frames(3)
    view = k.find("activity").children[0]
    assert ws.session.step.id == step_id
    return view


def drag(k, start, end):
    """A real finger: down, a few moves, up (each through the event loop)."""
    k.drag(start, end, steps=4)


def banner(k) -> str:
    """The message the banner above the screen shows now ('' when it is hidden)."""
    bar = k.app.root.ids.banner
    return bar.ids.msg.text if bar.height > 0 and bar.opacity > 0 else ""


def reopened(k) -> Wall:
    """The wall as the store has it on disk, read by a fresh controller."""
    return Wall(k.app.store, k.app.workshop.session.id, k.app.clock)


def window_xy(board, x, y):
    return board.to_window(board.x + x, board.y + y)


def centre(board, key):
    x, y, w, h = board.cards[key].rect
    return window_xy(board, x + w / 2, y + h / 2)


def zone_centre(board, zone):
    x, y, w, h = zone.rect
    return window_xy(board, x + w / 2, y + h * 0.4)


def add_notes(wall, texts, kind="godt"):
    return [wall.add_note(kind, t, step="refleksion").key for t in texts]


GODT = [
    "Godt sammenhold i teamet", "Vi hjælper hinanden, når der er travlt",
    "Gode morgenmøder med en klar plan for dagen", "Faglig sparring med kollegerne",
    "Fleksibilitet med vagter og fridage", "God humor i frokostpausen",
    "Nærværende leder, der lytter", "Nye kolleger bliver taget godt imod",
    "Borgerne er glade for os", "Vi fejrer det, når noget lykkes",
    "Godt samarbejde med sygeplejerskerne", "Ordentlige hjælpemidler i de fleste hjem",
]
MINDRE = [
    "For lidt tid til den enkelte borger", "Kørelisterne ændres i sidste øjeblik",
    "Mange afbrydelser på kontoret", "Uklart hvem der har ansvaret for hvad",
    "Informationer når ikke ud til alle", "For mange vikarer i weekenden",
    "Dokumentationen tager for meget tid", "Svært at få fri til kursus",
    "Støj og uro i personalerummet", "Vi taler om hinanden i stedet for med hinanden",
    "Nye opgaver kommer til, uden at andre forsvinder", "Travlhed gør, at pauserne ryger",
    "Ingen tid til at tale om svære besøg", "IT-systemet er langsomt om morgenen",
    "Tunge løft i borgernes hjem", "Manglende anerkendelse fra ledelsen",
]
TRIO = [
    "Stress: 38 % oplever ofte stor travlhed", "Social kapital ligger under kommunens snit",
    "Flere føler sig ikke hørt ved ændringer", "Høj score på mening i arbejdet",
    "Krænkende handlinger: 2 besvarelser", "Arbejdstempoet er det største problem",
]


def realistic_wall(wall):
    """34 Danish post-its, five groups (one unnamed): 24 items, as after the group step."""
    g = add_notes(wall, GODT, "godt")
    m = add_notes(wall, MINDRE, "mindre-godt")
    t = add_notes(wall, TRIO, "trio")

    def cluster(keys, name):
        c = wall.group(keys[1], keys[0])
        for key in keys[2:]:
            c = wall.group(key, c.key)
        if name:
            wall.name_cluster(c.id, name)
        return c.key
    clusters = [
        cluster([m[0], m[11], m[12], t[0]], "Travlhed og tid"),
        cluster([m[1], m[3], m[4]], "Information og ansvar"),
        cluster([g[0], g[1], g[5], g[9]], "Fællesskab og humor"),
        cluster([m[15], t[2]], "At blive hørt"),
        cluster([m[6], m[13]], ""),
    ]
    return g, m, t, clusters


def shoot(k, name):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    k.screenshot(root / SCREENSHOTS_DIR / name)


# -- sort --------------------------------------------------------------------------------------

def test_sort_by_dragging_into_columns_and_the_parking_lot(kiosk):
    k = kiosk
    start_workshop(k)
    wall = k.app.wall()
    a, b, c, d, e = add_notes(wall, GODT[:3]) + add_notes(wall, MINDRE[:2], "mindre-godt")
    theme = wall.group(e, d).key                                # a group of two counts as one
    view = go_to(k, "bevare-forandre")
    board = view.ids.board
    zones = {z.column: z for z in view.zones}
    assert set(zones) == {None, "bevare", "forandre", PARKING}
    assert zones[PARKING].label.text.startswith("P-plads")       # its title from the method
    assert set(board.cards) == {a, b, c, theme}
    assert board.cards[theme].text == "For lidt tid til den enkelte borger (2)"
    assert board.cards[a].mark == "+" and board.cards[theme].mark == ""

    t = k.touch(*centre(board, a))                               # carried over a zone, it lights up
    t.touch_down()
    k.frames(1)
    for x, y in (zone_centre(board, zones["bevare"]), zone_centre(board, zones["forandre"])):
        t.touch_move(x, y)
        k.frames(1)
    assert view._hot is zones["forandre"] and zones["forandre"].line.width > zones["bevare"].line.width
    t.touch_up()
    k.frames(2)
    assert view._hot is None
    drag(k, centre(board, theme), zone_centre(board, zones["forandre"]))
    drag(k, centre(board, b), zone_centre(board, zones[PARKING]))
    gap_x = zones["bevare"].rect[0] - 5 * k.app.s                # between two zones: no zone
    drag(k, centre(board, c), window_xy(board, gap_x, board.height / 2))
    stored = reopened(k)
    assert stored.item(a).column == "forandre"
    assert stored.item(theme).column == "forandre"
    assert stored.item(b).column == PARKING
    assert stored.item(c).column is None                        # it snapped back
    assert zones["forandre"].contains(*_centre_local(board, a))  # drawn in its zone now
    assert zones[PARKING].contains(*_centre_local(board, b))
    assert zones[None].contains(*_centre_local(board, c))
    assert "1 not sorted yet" in view.hint

    drag(k, centre(board, a), zone_centre(board, zones[None]))    # back to the tray
    assert reopened(k).item(a).column is None
    k.tap("undo")                                                # the one Undo takes it back
    assert reopened(k).item(a).column == "forandre"
    assert zones["forandre"].contains(*_centre_local(board, a))


def _centre_local(board, key):
    x, y, w, h = board.cards[key].rect
    return x + w / 2, y + h / 2


# -- vote ---------------------------------------------------------------------------------------

def votes_of(k, step_id="afstemning"):
    from kiosk.core.activities.vote import VOTES

    docs = k.app.store.all(k.app.workshop.session.id, VOTES)
    return sorted((d["voter"], d["item"], d["points"]) for d in docs if d["round"] == step_id)


def test_a_dots_round_keeps_the_budget_takes_marks_back_and_ranks_ties(kiosk):
    k = kiosk
    start_workshop(k)
    wall = k.app.wall()
    a, b, c, d = add_notes(wall, MINDRE[:4], "mindre-godt")
    parked = add_notes(wall, ["Kantinen"])[0]
    wall.sort(parked, PARKING, columns=["bevare", "forandre", PARKING])
    view = go_to(k, "afstemning")
    board = view.ids.board
    assert set(board.cards) == {a, b, c, d}                      # the parked one is not on the ballot

    _tap_card(k, board, a)                                       # nobody at the screen yet
    assert "Next voter" in k.app.notice and votes_of(k) == []
    k.tap(view.ids.voter)
    assert view.status == "Voter 1 · 2 marks left" and view.ids.voter.text == "Done"
    _tap_card(k, board, a)
    _tap_card(k, board, b)
    assert view.status == "Voter 1 · all marks placed"
    assert votes_of(k) == [(1, a, 1), (1, b, 1)]
    _tap_card(k, board, c)                                       # a third mark: refused
    assert "No marks left" in banner(k)
    assert votes_of(k) == [(1, a, 1), (1, b, 1)]                 # the store is unchanged
    _tap_card(k, board, a)                                       # take one back …
    assert votes_of(k) == [(1, b, 1)] and view.status == "Voter 1 · 1 mark left"
    _tap_card(k, board, c)                                       # … and give it elsewhere
    assert board.cards[c].badge.startswith("●  1") and board.cards[c].selected
    k.tap(view.ids.voter)                                        # Done
    assert not view.voting and not board.cards[c].selected
    k.tap(view.ids.voter)                                        # the second voter
    assert view.status == "Voter 2 · 2 marks left"
    _tap_card(k, board, c)
    _tap_card(k, board, a)                                       # a slip of the finger …
    k.tap("undo")                                                # … the one Undo takes it back
    assert view.status == "Voter 2 · 1 mark left"
    assert votes_of(k) == sorted([(1, b, 1), (1, c, 1), (2, c, 1)])
    _tap_card(k, board, d)
    k.tap(view.ids.voter)
    assert votes_of(k) == sorted([(1, b, 1), (1, c, 1), (2, c, 1), (2, d, 1)])
    assert board.cards[c].badge == "●●  2" and board.cards[a].badge == ""

    k.tap(view.ids.results)
    rows = [r for r in view.ids.table.children[::-1] if hasattr(r, "rank")]
    assert [(r.rank, r.text) for r in rows[:3]] == [
        ("1", MINDRE[2]), ("=2", MINDRE[1]), ("=2", MINDRE[3])]
    assert "goes on" in rows[1].state                            # 3 win (ties allowed up to 5)
    assert view.carry_text == "Carry forward top 3"
    k.tap(view.ids.carry)
    stored = reopened(k)
    assert [i.key for i in stored.chosen()] == [b, c, d]
    assert stored.item(a).column == PARKING and not stored.item(a).chosen   # rest_to_parking
    assert "3 themes go on" in k.app.notice


def _tap_card(k, board, key):
    t = k.touch(*centre(board, key))
    t.touch_down()
    k.frames(1)
    t.touch_up()
    k.frames(2)


def hands_method():
    from kiosk.core.method import Method

    return Method.from_dict({
        "id": "haender", "title": "Håndsoprækning", "language": "da",
        "steps": [
            {"id": "intro", "title": "Intro", "minutes": 5, "activity": "talk"},
            {"id": "haender", "title": "Stem med hænderne", "minutes": 10, "activity": "vote",
             "params": {"budget": 1, "mode": "hands", "winners": 1, "winners_max": 1,
                        "rest_to_parking": False}},
        ]})


def test_hands_mode_counts_per_theme_and_an_undecided_tie_is_said(kiosk):
    k = kiosk
    assert k.app.start_workshop(hands_method(), "Hold B")
    wall = k.app.wall()
    a, b = add_notes(wall, ["Mere tid til borgerne", "Færre møder"])
    view = go_to(k, "haender")
    board = view.ids.board
    assert view.hands and view.ids.minus.disabled              # nothing picked yet
    _tap_card(k, board, a)
    assert board.cards[a].selected and view.picked == "Mere tid til borgerne"
    for _ in range(3):
        k.tap(view.ids.plus)
    k.tap(view.ids.minus)
    assert view.count == "2"
    _tap_card(k, board, b)
    k.tap(view.ids.plus)
    k.tap(view.ids.plus)
    assert votes_of(k, "haender") == sorted([(0, a, 2), (0, b, 2)])
    shoot(k, "vote-hands-1920x1080.png")
    k.tap(view.ids.results)
    shoot(k, "vote-hands-tie-1920x1080.png")
    rows = [r for r in view.ids.table.children[::-1] if hasattr(r, "rank")]
    assert [r.rank for r in rows[:2]] == ["=1", "=1"]
    assert any("Tied at place 1" in r.text for r in rows)
    assert view.ids.carry.disabled                              # a tie the rules cannot cut
    k.tap(view.ids.results)                                     # back to the cards
    k.tap(view.ids.plus)                                        # b is still picked: 3
    k.tap(view.ids.results)
    k.tap(view.ids.carry)
    stored = reopened(k)
    assert [i.key for i in stored.chosen()] == [b] and stored.item(a).column is None


def test_nothing_to_vote_on_or_place_is_said_plainly(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "afstemning")
    assert "nothing to vote on" in view.empty
    assert view.ids.bar.disabled and view.ids.board.cards == {}
    view = go_to(k, "mulighedsrum")
    assert view.empty.startswith("No themes")
    assert view.ids.board.cards == {}


# -- matrix -------------------------------------------------------------------------------------

def plane_point(view, x01, y01):
    px, py, pw, ph = view.plane
    return window_xy(view.ids.board, px + x01 * pw, py + y01 * ph)


def test_matrix_place_by_dragging_choose_by_tapping_up_to_pick_max(kiosk):
    from kiosk.core.activities.matrix import quadrant

    k = kiosk
    start_workshop(k)
    wall = k.app.wall()
    keys = add_notes(wall, MINDRE[:7], "mindre-godt")
    theme = wall.group(keys[6], keys[5]).key
    parked = add_notes(wall, ["Kantinen"])[0]
    wall.sort(parked, PARKING, columns=[PARKING])
    view = go_to(k, "mulighedsrum")
    board = view.ids.board
    assert set(board.cards) == set(keys[:5]) | {theme}          # parked and grouped ones are not
    assert "★" in view._quad_label["ours_important"].text and view._quad_label["ours_important"].bold
    targets = {keys[0]: (0.8, 0.7, "ours_important"), theme: (0.25, 0.6, "theirs_important"),
               keys[1]: (0.7, 0.3, "ours_minor")}
    for key, (x, y, _) in targets.items():
        drag(k, centre(board, key), plane_point(view, x, y))
    stored = reopened(k)
    for key, (x, y, where) in targets.items():
        spot = stored.item(key).matrix
        assert spot == pytest.approx((x, y), abs=0.01), key
        assert quadrant(*spot) == where
    drag(k, centre(board, keys[1]), window_xy(board, *_middle(view.tray)))   # back to the tray
    assert reopened(k).item(keys[1]).matrix is None
    drag(k, centre(board, keys[1]), window_xy(board, *_middle(view.park)))   # to the P-plads
    assert reopened(k).item(keys[1]).column == PARKING and keys[1] not in board.cards

    for key, spot in zip(keys[2:5], [(0.15, 0.25), (0.85, 0.25), (0.5, 0.45)]):  # three more,
        wall.place(key, *spot)                                                  # through the core
    k.app.act(lambda: None)
    _tap_card(k, board, keys[0])
    assert board.cards[keys[0]].selected and board.cards[keys[0]].badge == "✓"
    assert view.counter == "1 of 3–5 chosen" and "few more" in view.hint
    for key in [theme] + keys[2:5]:
        _tap_card(k, board, key)
    assert view.counter == "5 of 3–5 chosen"
    drag(k, centre(board, keys[2]), window_xy(board, *_middle(view.tray)))  # unplace one, then
    drag(k, centre(board, keys[2]), plane_point(view, 0.15, 0.3))           # place it again
    assert reopened(k).item(keys[2]).chosen                                # still chosen
    more = add_notes(wall, ["Én til"])[0]
    wall.place(more, 0.5, 0.8)
    k.app.act(lambda: None)
    _tap_card(k, board, more)                                   # a sixth: refused
    assert "Enough themes are chosen" in banner(k)
    stored = reopened(k)
    assert len(stored.chosen()) == 5 and not stored.item(more).chosen
    _tap_card(k, board, keys[0])                                # unchoose one: room again
    assert not reopened(k).item(keys[0]).chosen and view.counter == "4 of 3–5 chosen"


def _middle(rect):
    x, y, w, h = rect
    return x + w / 2, y + h / 2


# -- screenshots -----------------------------------------------------------------------------

def test_screenshots_of_sort_vote_and_matrix_with_a_realistic_wall(kiosk):
    k = kiosk
    start_workshop(k, "Hold A")
    wall = k.app.wall()
    g, m, t, clusters = realistic_wall(wall)
    go_to(k, "bevare-forandre")
    shoot(k, "sort-start-1920x1080.png")    # all 24 themes still in the tray
    cols = ["bevare", "forandre", PARKING]
    for key in (clusters[2], g[2], g[3], g[6]):
        wall.sort(key, "bevare", columns=cols)
    for key in (clusters[0], clusters[1], clusters[3], m[2], m[5], m[9], m[14]):
        wall.sort(key, "forandre", columns=cols)
    for key in (g[8], t[3]):
        wall.sort(key, PARKING, columns=cols)
    k.app.act(lambda: None)                 # a change elsewhere: the view redraws from the wall
    k.frames(2)
    view = k.find("activity").children[0]
    assert view.__class__.__name__ == "SortView"
    shoot(k, "sort-1920x1080.png")
    board, zones = view.ids.board, {z.column: z for z in view.zones}
    start = centre(board, m[8])                  # a card carried over "Forandre", mid-drag
    t = k.touch(*start)
    t.touch_down()
    k.frames(1)
    x, y = zone_centre(board, zones["forandre"])
    t.touch_move(x - 20, y)
    k.frames(1)
    t.touch_move(x, y)
    shoot(k, "sort-dragging-1920x1080.png")
    t.touch_move(*start)
    t.touch_up()
    k.frames(2)
    assert wall.item(m[8]).column is None
    # the vote: nothing chosen, so every theme not parked is on the ballot; eight voters done
    from kiosk.core.activities.vote import VoteRound

    params = k.app.workshop.session.method.steps[
        k.app.workshop.session.method.step_index("afstemning")].params
    ballot = [i.key for i in wall.items() if i.column != PARKING]
    r = VoteRound.for_step(k.app.store, k.app.workshop.session.id, "afstemning", params, items=ballot)
    picks = [(0, 1), (0, 2), (1, 0), (0, 5), (2, 1), (0, 1), (3, 4), (1, 2)]
    for a, b in picks:
        r.next_voter()
        r.cast(ballot[a])
        r.cast(ballot[b + 6])
        r.done()
    r.next_voter()
    r.cast(ballot[0])
    view = go_to(k, "afstemning")
    assert view.__class__.__name__ == "VoteView"
    shoot(k, "vote-1920x1080.png")
    k.tap(view.ids.results)
    shoot(k, "vote-results-1920x1080.png")
    # the matrix: eight themes placed, three chosen, the rest still in the tray
    spots = {clusters[0]: (0.8, 0.85), clusters[1]: (0.7, 0.62), clusters[3]: (0.3, 0.8),
             m[2]: (0.62, 0.3), m[5]: (0.2, 0.3), m[9]: (0.9, 0.66), m[14]: (0.15, 0.6),
             clusters[2]: (0.85, 0.15)}
    for key, (x, y) in spots.items():
        wall.place(key, x, y)
    for key in (clusters[0], clusters[1], m[9]):
        wall.choose(key)
    view = go_to(k, "mulighedsrum")
    assert view.__class__.__name__ == "MatrixView"
    shoot(k, "matrix-1920x1080.png")
