"""The method picker and the plan before the start, in a real window with real touches.

Pick a method, change step lengths with − / +, leave out the optional vote, start, and
check the stored session's snapshot and the workshop's agenda and planned end. The
picker shows each method's when-line in the kiosk's language, and a wall of 15+
methods scrolls by a finger's drag and pages by ▲ / ▼.

Screenshots: ``python tests/test_ui_picker_plan.py 3840x2160`` writes the picker and
plan screens at that size under screenshots/picker/ (the tests write 1920×1080).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.core.workshop import ACTIVE_KEY  # noqa: E402

pytestmark = pytest.mark.window
SHOTS = ROOT / "screenshots" / "picker"

# Stand-ins for the methods other people are writing, so the picker can be tried with a
# full wall of them: (id, title, language, group size, meetings, minutes per meeting, when).
FAKE = [
    ("dialogverksted", "Dialogverksted", "nb", "8–20 i grupper på 4–6", 2, (120, 135),
     {"nb": "Når enheten vil gå fra kartlegging til tiltak over to møter med tid til å prøve ut.",
      "da": "Når enheden vil gå fra kortlægning til indsatser over to møder med tid til at afprøve.",
      "en": "When the unit goes from survey to actions over two meetings with time to try things out."}),
    ("apu", "Arbeidsplassutvikling (APU)", "nb", "6–24 i par", 2, (90, 95),
     {"nb": "Når dere vil bygge på det som fungerer: den gode arbeidsdagen, intervjuer i par.",
      "en": "When you want to build on what works: the good working day, interviews in pairs."}),
    ("ned-dialogduk", "NED dialogduk", "nb", "bord på fire", 1, (150,),
     {"nb": "Når sykefravær og ansvar skal snakkes om åpent, bord for bord.",
      "da": "Når sygefravær og ansvar skal drøftes åbent, bord for bord.",
      "en": "When sickness absence and who is responsible for what need an open talk."}),
    ("perspektivsamtale", "Perspektivsamtale", "da", "4–8", 1, (105,),
     {"da": "Når I vil se et tema fra flere sider, før nogen foreslår løsninger.",
      "nb": "Når dere vil se et tema fra flere sider før noen foreslår løsninger.",
      "en": "When you want to see a theme from several sides before anyone proposes solutions."}),
    ("dilemmavaerksted", "Dilemmaværksted", "da", "grupper på 2–4", 1, (110,),
     {"da": "Når hverdagen byder på svære valg, og I vil finde prøvehandlinger sammen."}),
    ("historievaerksted", "Historieværksted", "da", "hele enheden", 1, (120,),
     {"da": "Når en enhed har været igennem meget og skal forstå sin fælles historie.",
      "nb": "Når en enhet har vært gjennom mye og skal forstå sin felles historie.",
      "en": "When a unit has been through a lot and needs to understand its shared story."}),
    ("historievaerksted-frem", "Historieværksted – fortid og fremtid", "da", "hele enheden", 1, (135,),
     {"da": "Når I vil bruge fortiden til at pege frem: styrker, udfordringer og ønsker.",
      "en": "When you want the past to point ahead: strengths, challenges and wishes."}),
    ("check-in", "Arbejdsmiljø check-in", "da", "3–12", 1, (20,),
     {"da": "Som start på et personalemøde: tre korte runder om situation, følelse og behov.",
      "nb": "Som start på et personalmøte: tre korte runder om situasjon, følelse og behov.",
      "en": "To open a staff meeting: three short rounds on situation, feeling and need."}),
    ("forandringsdialog", "TRIO forandringsdialog", "da", "3–10", 1, (45,),
     {"da": "Når en forandring er på vej, og medarbejderne skal høres i tide.",
      "en": "When a change is coming and the staff must be heard in time."}),
    ("fremtidsvaerksted", "Fremtidsværksted", "da", "6–25", 1, (180,),
     {"da": "Når I vil fra kritik til drømme til det, I faktisk kan gøre.",
      "nb": "Når dere vil fra kritikk til drømmer til det dere faktisk kan gjøre.",
      "en": "When you want to go from critique to dreams to what you can actually do."}),
    ("arbejdsmiljofortaelling", "Arbejdsmiljøfortælling", "da", "trioen + enheden", 1, (90,),
     {"da": "Når I vil samle opmærksomhedspunkter om ét tema og se, hvordan de hænger sammen.",
      "en": "When you want to gather attention points around one theme and link them."}),
    ("udviklingssamtale-team", "Teamets udviklingsdag", "da", "5–15", 1, (240,),
     {"da": "En hel dag til at se på samarbejdet og aftale, hvad teamet vil blive bedre til.",
      "en": "A whole day to look at working together and agree what the team will improve."}),
    ("trivselsrunde", "Kort trivselsrunde", "nb", "3–10", 1, (30,),
     {"nb": "Et kvarter eller en halvtime når dere bare vil ta temperaturen på trivselen.",
      "en": "A quarter or half an hour when you just want to take the temperature."}),
    ("nyt-team", "Nyt team – første møde", "da", "alle i det nye team", 1, (75,),
     {"da": "Når et team er nyt eller sat sammen på ny og skal aftale, hvordan det vil arbejde.",
      "en": "When a team is new or newly merged and agrees how it wants to work."}),
]


def toml_text(mid, title, lang, group, meetings, per_meeting, when) -> str:
    lines = [f"# A stand-in method for the picker tests ({title}); not a real guide.", "[method]",
             f'id = "x-{mid}"', f'title = "{title}"', f'language = "{lang}"',
             'summary = "En prøve til metodevælgeren."', 'source = "test"',
             f'group_size = "{group}"', f"meetings = {meetings}", "", "[method.when]"]
    lines += [f'{k} = "{v}"' for k, v in when.items()]
    for n, minutes in enumerate(per_meeting, start=1):
        for part, share in (("a", 0.4), ("b", 0.6)):
            lines += ["", "[[steps]]", f'id = "m{n}{part}"', f'title = "Trin {n}{part}"',
                      f'phase = "Del {n}"', 'activity = "talk"', f"minutes = {round(minutes * share)}",
                      f"meeting = {n}"]
    return "\n".join(lines) + "\n"


def _first_word(title: str) -> str:
    return title.split()[0].casefold()


def write_methods(folder: Path, n: int = len(FAKE), beside_real: bool = False) -> Path:
    """``n`` stand-in method files (ids x-…) in ``folder``; ``beside_real`` leaves out
    those standing in for a method that has since landed in methods/ (same id or name)."""
    from kiosk.core.loader import load_methods

    real = load_methods([ROOT / "methods"])[0] if beside_real else []
    ids = {m.id for m in real}
    words = {_first_word(m.title) for m in real}
    folder.mkdir(parents=True, exist_ok=True)
    for spec in FAKE[:n]:
        if spec[0] in ids or _first_word(spec[1]) in words:
            continue
        (folder / f"x-{spec[0]}.toml").write_text(toml_text(*spec), encoding="utf-8")
    return folder


# -- helpers -------------------------------------------------------------------------------

def shot(k, name: str):
    w, h = k.window.size
    return k.screenshot(SHOTS / f"{name}-{w}x{h}.png")


def card_of(k, method_id: str):
    return next(c for c in k.find("grid").children if c.method.id == method_id)


def visible(k, widget) -> bool:
    """Is the widget's centre inside its ScrollView's viewport (on the glass)?"""
    sv = k.find("scroll")
    x, y = widget.to_window(*widget.center)
    sx, sy = sv.to_window(sv.x, sv.y)
    return sx <= x <= sx + sv.width and sy <= y <= sy + sv.height


def settle(k, seconds: float = 0.3):
    """Let real time pass: a quick tap inside a ScrollView reaches the button as a press
    when the finger lifts and as a release 0.2 s later (Kivy tells a tap from a drag so)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        k.frames(1)


def press(k, widget):
    """A finger's tap on a widget inside a ScrollView, and the time it takes to land."""
    k.tap(widget)
    settle(k)


def tap_visible(k, widget, tries: int = 12):
    """Page the list until the widget shows (as a person would), then tap it."""
    for _ in range(tries):
        if visible(k, widget):
            press(k, widget)
            return
        k.tap("down")
    raise AssertionError(f"{widget!r} never came into view")


def pick(k, method_id: str):
    """Tap a method's card on the picker, paging down to it first."""
    assert k.app.sm.current == "picker"
    tap_visible(k, card_of(k, method_id))


def stored(k):
    return k.app.store.load_session(k.app.store.get_state(ACTIVE_KEY))


def set_language(k, lang: str):
    """Through the admin menu, as the admin does it: PIN, the language, back."""
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    assert k.app.sm.current == "settings"
    k.tap("lang_" + lang)
    k.tap("back")
    assert k.app.lang == lang


@pytest.fixture
def open_kiosk(display, data_dir, clock, tmp_path, monkeypatch):
    """The real kiosk with ``n`` stand-in methods beside the real ones (KIOSK_METHODS)."""
    from kiosk_testing import Driver

    made = []

    def open_(n: int, lang: str = "en", beside_real: bool = False, extra: dict | None = None):
        folder = write_methods(tmp_path / "methods", n, beside_real)
        for name, text in (extra or {}).items():
            (folder / name).write_text(text, encoding="utf-8")
        monkeypatch.setenv("KIOSK_METHODS", str(folder))
        made.append(Driver(data_dir, clock=clock, lang=lang))
        return made[-1]

    yield open_
    for d in made:
        d.close()


# -- the tests -----------------------------------------------------------------------------

def test_plan_two_steps_leave_out_the_vote_and_start_on_the_planned_snapshot(kiosk):
    k = kiosk
    guide_file = ROOT / "methods" / "trivselsdialog.toml"
    before = guide_file.read_bytes()
    k.tap("start")
    assert k.app.sm.current == "picker"
    pick(k, "trivselsdialog")
    assert k.app.sm.current == "team"
    team = k.screen()
    assert "2 h 30 min" in team.plan_text and "The guide's times" in team.plan_text
    k.type(k.find("keyboard"), "Hjemmeplejen Nord")

    k.tap("plan")                                            # Adjust the times
    assert k.app.sm.current == "plan"
    plan_screen = k.screen()
    shot(k, "plan-guide")
    rows = plan_screen.rows
    assert list(rows) == [s.id for s in k.app.method_by_id("trivselsdialog").steps]
    assert plan_screen.total_text == "2 h 30 min"
    assert plan_screen.end_text == time.strftime("%H:%M", time.localtime(k.app.clock.now() + 150 * 60))
    assert rows["refleksion"].minutes_text == "10 min"

    tap_visible(k, rows["refleksion"].ids.plus5)            # 10 → 15
    tap_visible(k, rows["refleksion"].ids.plus1)            # → 16
    tap_visible(k, rows["mulighedsrum"].ids.minus5)         # 20 → 15
    tap_visible(k, rows["mulighedsrum"].ids.minus1)         # → 14
    assert rows["refleksion"].minutes_text == "16 min" and rows["mulighedsrum"].minutes_text == "14 min"
    assert "The guide: 10 min" in rows["refleksion"].ids.title.text
    assert plan_screen.total_text == "2 h 30 min"           # +6 −6: the same total
    assert not rows["velkomst"].ids.switch.opacity          # not optional: no switch
    tap_visible(k, rows["afstemning"].ids.switch)           # leave out the optional vote
    assert not rows["afstemning"].on and rows["afstemning"].minutes_text == "–"
    assert "Left out" in rows["afstemning"].ids.switch.text
    assert rows["afstemning"].ids.plus1.disabled and rows["afstemning"].ids.minus1.disabled
    assert plan_screen.total_text == "2 h 20 min"
    assert plan_screen.end_text == time.strftime("%H:%M", time.localtime(k.app.clock.now() + 140 * 60))
    # the header of the point the vote belonged to recomputes too (60 → 50)
    header = next(h for h, (no, p) in plan_screen.headers if p.title == "Hvad skal vi gøre?")
    assert "50 min" in header.text
    shot(k, "plan-adjusted")

    k.tap("done")
    assert k.app.sm.current == "team"
    assert k.find("name").text == "Hjemmeplejen Nord"        # the name typed before is kept
    assert "2 h 20 min" in team.plan_text and "3 steps adjusted" in team.plan_text
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice

    doc = stored(k)
    minutes = {s["id"]: s["minutes"] for s in doc["method"]["steps"]}
    assert minutes["refleksion"] == 16 and minutes["mulighedsrum"] == 14
    assert "afstemning" not in minutes and "afstemning" not in doc["timers"]
    assert doc["timers"]["refleksion"]["planned"] == 16 * 60
    assert doc["method"]["when"]["en"].startswith("When the well-being survey")
    ws = k.app.workshop
    assert [p.minutes for p in ws.session.method.phases()] == [10, 16, 40, 14, 50, 10]
    assert ws.planned_end() == k.app.clock.now() + 140 * 60
    agenda = [w.text for w in reversed(k.find("agenda").children)]
    assert any("2. Individuel refleksion" in t and "16 min" in t for t in agenda), agenda
    assert any("5. Hvad skal vi gøre?" in t and "50 min" in t for t in agenda), agenda
    assert k.screen().end_text.endswith(time.strftime("%H:%M", time.localtime(k.app.clock.now() + 140 * 60))
                                        + "[/size]")
    # the method file and the loaded method are untouched
    assert guide_file.read_bytes() == before
    assert [s.minutes for s in k.app.method_by_id("trivselsdialog").steps][1] == 10


def test_bounds_disable_the_buttons_and_reset_asks_first(kiosk):
    k = kiosk
    k.tap("start")
    pick(k, "trivselsdialog")
    k.tap("plan")
    screen = k.screen()
    row = screen.rows["velkomst"]                            # 10 min: 1 … 30
    for _ in range(2):
        press(k, row.ids.minus5)
    assert row.minutes_text == "1 min"                       # 10 − 5 − 5 stops at 1
    assert row.ids.minus1.disabled and row.ids.minus5.disabled and not row.ids.plus1.disabled
    for _ in range(7):
        if not row.ids.plus5.disabled:
            press(k, row.ids.plus5)
    assert row.minutes_text == "30 min" and row.ids.plus5.disabled and row.ids.plus1.disabled
    # a step the later ones do not depend on, but which is not optional, has no switch to tap
    assert row.ids.switch.disabled
    assert not k.find("reset").disabled
    k.tap("reset")
    k.tap(k.app.confirm_view.ids.no)                         # a mis-tap on Reset: cancel keeps it
    assert row.minutes_text == "30 min"
    k.tap("reset")
    k.tap(k.app.confirm_view.ids.yes)
    assert row.minutes_text == "10 min" and screen.total_text == "2 h 30 min"
    assert k.find("reset").disabled
    k.tap("back")
    assert k.app.sm.current == "team" and "The guide's times" in k.screen().plan_text
    # a mis-tap on Back loses nothing: choosing the method again brings the times back
    k.tap("plan")
    tap_visible(k, screen.rows["handleplan"].ids.plus5)
    k.tap("back")
    k.tap("back")                                            # to the picker
    pick(k, "trivselsdialog")
    assert "1 step adjusted" in k.screen().plan_text
    assert k.app.notice == "The team's name and the times from before are back."


def test_two_fingers_at_once_and_a_drag_that_starts_on_a_button(kiosk):
    k = kiosk
    k.tap("start")
    pick(k, "trivselsdialog")
    k.tap("plan")
    rows = k.screen().rows
    a, b = rows["velkomst"].ids.plus1, rows["refleksion"].ids.minus5
    f1, f2 = k.touch(*k.center_of(a)), k.touch(*k.center_of(b))
    f1.touch_down()
    f2.touch_down()                                        # two people, two buttons, same moment
    k.frames(2)
    f1.touch_up()
    f2.touch_up()
    settle(k)
    assert rows["velkomst"].minutes_text == "11 min" and rows["refleksion"].minutes_text == "5 min"
    assert k.screen().total_text == "2 h 26 min"
    # a finger that lands on +5 and slides up scrolls the list; it changes no time
    sv = k.find("scroll")
    plus5 = rows["praesentation"].ids.plus5
    assert visible(k, plus5)
    start = k.center_of(plus5)
    before = sv.scroll_y
    k.drag(start, (start[0], start[1] + 400 * k.app.s), steps=8)
    settle(k)
    assert sv.scroll_y < before and rows["praesentation"].minutes_text == "15 min"
    assert k.screen().total_text == "2 h 26 min"


@pytest.mark.parametrize("lang, start", [
    ("da", "Når trivselsmålingen og APV'en foreligger"),
    ("nb", "Når medarbeiderundersøkelsen og risikovurderingen"),
    ("en", "When the well-being survey"),
])
def test_the_picker_says_when_to_use_a_method_in_the_kiosks_language(open_kiosk, lang, start):
    k = open_kiosk(5)
    if lang != "en":
        set_language(k, lang)
    k.tap("start")
    card = card_of(k, "trivselsdialog")
    assert start in card.text
    duration = {"da": "2 t 30 min", "nb": "2 t 30 min", "en": "2 h 30 min"}[lang]
    assert duration in card.text and "op til ca.\u00a012" in card.text  # no lone "12" on a line
    # a Norwegian method with a Danish line: the kiosk's language
    dv = card_of(k, "x-dialogverksted")
    assert FAKE[0][6][lang] in dv.text
    assert {"da": "2 møder", "nb": "2 møter", "en": "2 meetings"}[lang] in dv.text
    # a method with only a Danish line shows it on every kiosk (its own language's line)
    assert FAKE[4][6]["da"] in card_of(k, "x-dilemmavaerksted").text
    shot(k, f"picker-{lang}-stand-ins")


def test_fifteen_methods_scroll_by_a_drag_and_page_by_buttons(open_kiosk):
    k = open_kiosk(len(FAKE), "da", beside_real=True)
    k.tap("start")
    grid = k.find("grid")
    assert len(grid.children) >= 15 and not k.app.notice
    assert k.screen().count_text == f"{len(grid.children)} metoder"
    s = k.app.s
    for card in grid.children:
        assert card.height >= 80 * s and card.width >= 600 * s
        assert card.font_size >= 28 * s          # body text readable from 3 m
    from kiosk.core.method_order import ordered

    # the common case first (issue 11: A–Z put the Trivselsdialog last, three pages down)
    cards = [card_of(k, m.id) for m in ordered(k.app.methods, k.app.lang)]
    assert [c.method.title for c in reversed(grid.children)] == [c.method.title for c in cards]
    assert cards[0].method.id == "trivselsdialog"
    last = cards[-1]
    assert not visible(k, last)
    assert k.find("down").opacity == 1 and not k.find("down").disabled and k.find("up").disabled
    shot(k, "picker-15-top")

    # a finger drags the list up: the cards move with it
    sv = k.find("scroll")
    before = cards[0].to_window(*cards[0].center)[1]
    cx, cy = sv.to_window(*sv.center)
    k.drag((cx, cy - 300 * s), (cx, cy + 300 * s), steps=8)
    k.frames(20)                                # let the scroll settle
    moved = cards[0].to_window(*cards[0].center)[1] - before
    assert moved > 200 * s, moved
    assert not k.find("up").disabled
    assert k.app.sm.current == "picker"         # a drag is not a tap on a card

    # a swipe back, and while the list still glides the buttons page to the end
    # (a page tap stops the glide); the last card is tapped there
    k.drag((cx, cy + 300 * s), (cx, cy - 300 * s), steps=8)
    k.frames(1)
    for _ in range(10):
        if k.find("down").disabled:
            break
        k.tap("down")
    assert k.find("down").disabled and visible(k, last)
    shot(k, "picker-15-bottom")
    press(k, last)
    assert k.app.sm.current == "team" and k.screen().method.id == last.method.id
    # two people tap two cards at once: the first to lift picks, the other changes nothing
    k.tap("back")
    one, two = card_of(k, cards[0].method.id), card_of(k, cards[1].method.id)
    f1, f2 = k.touch(*k.center_of(one)), k.touch(*k.center_of(two))
    f1.touch_down()
    f2.touch_down()
    k.frames(2)
    f2.touch_up()
    f1.touch_up()
    settle(k)
    assert k.app.sm.current == "team" and k.screen().method.id == cards[1].method.id
    # back on the picker, a tool or test can bring any card into view to tap it
    k.tap("back")
    assert k.app.sm.current == "picker"              # drawn afresh, from the top
    first, last = card_of(k, cards[0].method.id), card_of(k, last.method.id)
    assert visible(k, first) and not visible(k, last)
    card = k.screen().card_for(last.method.id)
    k.frames(2)
    assert visible(k, card) and not k.find("up").disabled


def test_a_two_meeting_plan_shows_each_meeting(open_kiosk):
    k = open_kiosk(1)
    k.tap("start")
    pick(k, "x-dialogverksted")
    assert "Meeting 1: 2 h" in k.screen().plan_text
    k.tap("plan")
    screen = k.screen()
    headers = [w.text for w in k.find("rows").children if type(w).__name__ == "MeetingHeader"]
    assert sorted(headers) == ["Meeting 1", "Meeting 2"]
    assert screen.total_text == "2 h" and screen.meetings_text == "Meeting 2: 2 h 15 min"
    assert screen.total_label == "Meeting 1"
    tap_visible(k, screen.rows["m2a"].ids.plus5)
    assert screen.meetings_text == "Meeting 2: 2 h 20 min" and screen.total_text == "2 h"
    shot(k, "plan-two-meetings")


CHECK_IN = """\
[method]
id = "x-innsjekk"
title = "Innsjekk i tre runder"
language = "nb"
summary = "Tre korte runder."
source = "test"

[[steps]]
id = "runder"
title = "Tre runder"
activity = "rounds"
minutes = 20
params = { rounds = [{ name = "Situasjonen", minutes = 6 }, { name = "Følelsen", minutes = 7 },
                     { name = "Behovet", minutes = 7 }] }

[[steps]]
id = "slutt"
title = "Avslutning"
activity = "talk"
minutes = 5
"""


def test_shortening_a_step_with_rounds_shrinks_its_rounds(open_kiosk):
    k = open_kiosk(0, extra={"x-innsjekk.toml": CHECK_IN})
    k.tap("start")
    pick(k, "x-innsjekk")
    k.type(k.find("keyboard"), "Team Sor")
    k.tap("plan")
    row = k.screen().rows["runder"]
    assert "Rounds: 6 · 7 · 7 min" in row.ids.title.text
    press(k, row.ids.minus5)                                # 20 → 15: the rounds shrink with it
    assert "Rounds: 4½ · 5 · 5 min" in row.ids.title.text
    assert k.screen().total_text == "20 min"
    k.tap("done")
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice
    step = stored(k)["method"]["steps"][0]
    assert step["minutes"] == 15 and [r["minutes"] for r in step["params"]["rounds"]] == [4.5, 5, 5]
    assert [r["name"] for r in step["params"]["rounds"]] == ["Situasjonen", "Følelsen", "Behovet"]


# -- screenshots at another size (a window's size is fixed per process) ---------------------

def _shoot(size: str) -> list[Path]:
    import os
    import shutil
    import tempfile

    w, h = (int(x) for x in size.split("x"))
    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    import kiosk_testing as testing

    scratch = Path(tempfile.mkdtemp(prefix="picker-shots-"))
    testing.virtual_display(w, h)
    testing.prepare_kivy(w, h, home=scratch / "kivy-home")
    os.environ["KIOSK_METHODS"] = str(write_methods(scratch / "methods", beside_real=True))
    from kiosk.clock import FakeClock
    from kiosk_testing import Driver

    out = []
    k = Driver(scratch / "data", clock=FakeClock(1_800_000_000.0), lang="da")
    try:
        k.tap("start")
        out.append(shot(k, "picker-da"))
        pick(k, "trivselsdialog")
        k.type(k.find("keyboard"), "Hjemmeplejen Nord")
        out.append(shot(k, "team-da"))
        k.tap("plan")
        out.append(shot(k, "plan-guide-da"))
        rows = k.screen().rows
        for sid, key in (("refleksion", "plus5"), ("mulighedsrum", "minus5"), ("afstemning", "switch")):
            tap_visible(k, rows[sid].ids[key])
        out.append(shot(k, "plan-adjusted-da"))
        k.tap("done")
        out.append(shot(k, "team-adjusted-da"))
        k.tap("back")                                   # a two-meeting method with timed rounds
        if k.app.method_by_id("apu") is not None:
            pick(k, "apu")
            k.tap("plan")
            rows = k.screen().rows
            tap_visible(k, rows["intervju"].ids.minus5)
            out.append(shot(k, "plan-apu-da"))
            k.tap("back")
            k.tap("back")
        k.tap("back")                                   # the board: the picker in nb and en
        for lang in ("nb", "en"):
            set_language(k, lang)
            k.tap("start")
            out.append(shot(k, f"picker-{lang}"))
            k.tap("back")
    finally:
        k.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return out


if __name__ == "__main__":
    for p in _shoot(sys.argv[1] if len(sys.argv) > 1 else "3840x2160"):
        print(p)


def test_the_picker_keeps_its_cards_between_visits(kiosk):
    """Each visit used to build new cards whose kv bindings stayed on the app: a kiosk
    on the wall for months must not grow with every visit to the picker."""
    k = kiosk
    k.tap("start")
    first = {c.method.id: c for c in k.find("grid").children}
    for _ in range(3):
        k.tap("back")
        k.tap("start")
        assert k.app.sm.current == "picker"
    again = {c.method.id: c for c in k.find("grid").children}
    assert again.keys() == first.keys() and all(again[m] is first[m] for m in first)
