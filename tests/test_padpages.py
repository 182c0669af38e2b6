"""The pad pages (``kiosk.web.padpages``): each step kind's page from a VIEW, the join page
and the plain pages, as HTML a phone reads with JavaScript off, under the pad server's CSP,
in the session's language, with everything people typed inert. Pure rendering, plus one
page from a real store's snapshot through ``kiosk.core.padview``."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from kiosk.web import padpages
from kiosk.web.padpages import colour_name, join_page, message_for, pad_page, plain_page

XSS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' onmouseover='alert(1)"]
NOW = 1_800_000_000.0
SECRET = "Mit <i>eget</i> \"><img src=x onerror=alert(2)>"


class Page(HTMLParser):
    """Elements with their attributes, forms with their fields, and the visible text."""

    def __init__(self, data: bytes | str) -> None:
        super().__init__(convert_charrefs=True)
        self.els: list[tuple[str, dict]] = []
        self.forms: list[dict] = []
        self.texts: list[str] = []
        self.feed(data.decode("utf-8") if isinstance(data, bytes) else data)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.els.append((tag, a))
        if tag == "form":
            self.forms.append({"action": a.get("action"), "method": a.get("method"), "fields": [], "buttons": []})
        elif tag in ("input", "textarea", "button") and self.forms:
            (self.forms[-1]["buttons" if tag == "button" else "fields"]).append(dict(a, tag=tag))

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def find(self, tag: str, **want) -> list[dict]:
        return [a for t, a in self.els if t == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in want.items())]

    def hidden(self, form: dict) -> dict:
        return {f["name"]: f.get("value") for f in form["fields"] if f.get("type") == "hidden"}


def base(pad: str, lang: str = "da", **more) -> dict:
    view = {"lang": lang, "team": "Køkkenet", "serial": 7, "paused": False,
            "me": {"label": "Deltager 7", "role": "person", "table": 2, "table_label": "Bord 2"},
            "step": {"id": "trin", "title": "Refleksion", "pad": pad, "prompts": ["Hvad virker?"],
                     "ends_at": NOW + 7 * 60 - 10, "groups": False}}
    view.update(more)
    return view


KINDS = [{"id": "godt", "title": "Godt", "colour": "#f0e442"}, {"id": "skidt", "title": "Skidt", "colour": "#cc79a7"}]
WRITE = {"kinds": KINDS, "max_length": 140, "face_down": True, "notes": [
    {"id": "n1", "kind": "godt", "text": "Godt samarbejde", "editable": True, "held": False},
    {"id": "n2", "kind": "skidt", "text": "For sent", "editable": True, "held": True},
    {"id": "n3", "kind": "godt", "text": "Kort møde", "editable": False, "held": False}]}
VOTE = {"ballot": [{"id": "a", "text": "Travlhed", "mine": 2, "total": 6},
                   {"id": "b", "text": "Vagtplan", "mine": 0, "total": 1}],
        "budget": 3, "cap": 2, "left": 1, "done": False, "show_totals": True, "done_count": 4, "voters": 11}
RATE = {"statements": [{"id": "0", "text": "Vi hilser", "mine": "green"}, {"id": "1", "text": "Vi hjælper", "mine": None}]}
SIGNUP = {"themes": [{"id": "t1", "text": "Travlhed", "mine": False}, {"id": "t2", "text": "Vagtplan", "mine": True}]}
PRESENT = {"turn": True, "who": None, "notes": [{"id": "n1", "kind": "godt", "text": "Godt samarbejde",
                                                 "colour": "#f0e442"}]}
ALL = {"write": WRITE, "vote": VOTE, "rate": RATE, "signup": SIGNUP, "present": PRESENT}


def page(pad: str, *, lang="da", message="", fragment=False, **more) -> Page:
    view = base(pad, lang, **more)
    if pad in ALL and pad not in more:
        view[pad] = ALL[pad]
    return Page(pad_page(view, nonce="N0NCE", message=message, fragment=fragment, now=NOW))


def assert_strict(raw: bytes) -> None:
    """Nothing the CSP (script-src 'self', style-src 'self') would block, nothing that runs."""
    html = raw.decode("utf-8")
    p = Page(raw)
    assert not re.search(r"\sstyle\s*=", html), "a style= attribute"
    assert "<style" not in html and "javascript:" not in html.lower()
    for tag, attrs in p.els:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert tag not in ("img", "iframe", "object", "embed", "svg"), tag
        if tag == "script":
            assert attrs.get("src") == "/static/pad.js", attrs
    assert re.findall(r"<script[^>]*>(.*?)</script>", html, re.S) in ([], [""]), "an inline script"


def assert_forms_post(p: Page) -> None:
    """Every form a plain POST to a contract route with the page's nonce, never a device key."""
    assert p.forms
    for f in p.forms:
        assert f["method"] == "post"
        assert re.fullmatch(r"/pad/(note|edit|delete|dot|done|mark|signup|reveal)", f["action"]), f["action"]
        fields = p.hidden(f)
        assert fields["nonce"] == "N0NCE"
        assert "key" not in {x.get("name") for x in f["fields"] + f["buttons"]}


# -- the step kinds --------------------------------------------------------------------------

def test_write_page_kinds_textarea_send_and_my_notes():
    raw = pad_page(base("write", write=WRITE), nonce="N0NCE", now=NOW)
    p = Page(raw)
    assert_strict(raw)
    assert_forms_post(p)
    send = next(f for f in p.forms if f["action"] == "/pad/note")
    assert p.hidden(send) == {"nonce": "N0NCE", "step": "trin"}
    radios = [f for f in send["fields"] if f.get("name") == "kind"]
    assert [r["value"] for r in radios] == ["godt", "skidt"] and "checked" in radios[0]
    assert [a["data-colour"] for a in p.find("label", class_="kind")] == ["yellow", "pink"]
    area = next(f for f in send["fields"] if f["tag"] == "textarea")
    assert area["name"] == "text" and area["maxlength"] == "140" and "required" in area
    assert [b.get("class") for b in send["buttons"]] == ["btn primary wide"]
    assert "Send" in p.text and "Højst 140 tegn" in p.text and "bagsiden op" in p.text
    assert "Mine post-its" in p.text and "Refleksion" in p.text and "Hvad virker?" in p.text
    assert "Du er" in p.text and "Deltager 7" in p.text and "Bord 2" in p.text
    # editable ones get Edit (Ret) and Delete (Slet); the held one says it waits; the presented one has neither
    edits = [p.hidden(f)["note"] for f in p.forms if f["action"] == "/pad/edit"]
    deletes = [p.hidden(f)["note"] for f in p.forms if f["action"] == "/pad/delete"]
    assert edits == deletes == ["n1", "n2"]
    assert "Venter på facilitatoren" in p.text and "Fremlagt" in p.text
    assert [a["data-colour"] for a in p.find("li", class_="note")] == ["yellow", "pink", "yellow"]
    # the clock: rendered from ends_at, with the words pad.js counts down with
    clock = p.find("p", class_="clock")[0]
    assert "7 min. tilbage" in p.text and clock["data-min"] == "{n} min. tilbage"
    assert float(clock["data-ends-at"]) - float(clock["data-now"]) == pytest.approx(410)


def test_long_kind_titles_stack_and_a_face_up_step_says_so():
    w = dict(WRITE, kinds=[{"id": "a", "title": "Det der virker mindre godt", "colour": "blue"}], face_down=False,
             notes=[])
    p = page("write", write=w)
    assert p.find("fieldset", class_="kinds long")
    assert "uden dit navn" in p.text and "Ingen endnu" in p.text
    assert p.find("label", class_="kind")[0]["data-colour"] == "blue"
    # the wall's mark of a kind, when the view carries one, reads the kinds apart without colour
    marked = page("write", write=dict(w, kinds=[dict(w["kinds"][0], mark="+")]))
    assert marked.find("span", class_="kmark") and "+ Det der virker mindre godt" in marked.text


def test_vote_page_dots_plus_minus_budget_done_and_totals():
    raw = pad_page(base("vote", vote=VOTE), nonce="N0NCE", now=NOW)
    p = Page(raw)
    assert_strict(raw)
    assert_forms_post(p)
    dots = [f for f in p.forms if f["action"] == "/pad/dot"]
    assert [p.hidden(f) for f in dots] == [{"nonce": "N0NCE", "step": "trin", "item": "a"},
                                           {"nonce": "N0NCE", "step": "trin", "item": "b"}]
    a_minus, a_plus = dots[0]["buttons"]
    b_minus, b_plus = dots[1]["buttons"]
    assert (a_minus["value"], a_plus["value"]) == ("-1", "1") and a_plus["name"] == "delta"
    assert "disabled" in a_plus and "disabled" not in a_minus       # 2 = the cap on one
    assert "disabled" in b_minus and "disabled" not in b_plus       # none of mine to take back
    assert "1 streger tilbage" in p.text and "af 3, højst 2 på én" in p.text
    assert "6 i alt" in p.text and "1 i alt" in p.text and "4 af 11 har stemt" in p.text
    assert len(p.find("span", class_="dot")) == 2
    done = [f for f in p.forms if f["action"] == "/pad/done"]
    assert len(done) == 1 and p.hidden(done[0]) == {"nonce": "N0NCE", "step": "trin"} and "Færdig" in p.text


def test_vote_page_hidden_totals_spent_budget_and_done():
    hidden = dict(VOTE, show_totals=False, left=0, ballot=[dict(b, total=None) for b in VOTE["ballot"]])
    p = page("vote", vote=hidden)
    assert "i alt" not in p.text and "Væggen viser resultatet, når alle er færdige." in p.text
    assert all("disabled" in f["buttons"][1] for f in p.forms if f["action"] == "/pad/dot")   # no marks left
    done = page("vote", vote=dict(hidden, done=True))
    assert "Du har stemt. Tak." in done.text and not [f for f in done.forms if f["action"] == "/pad/done"]
    assert all("disabled" in b for f in done.forms for b in f["buttons"])


def test_rate_page_three_marks_per_statement_and_a_second_tap_clears():
    raw = pad_page(base("rate", rate=RATE), nonce="N0NCE", now=NOW)
    p = Page(raw)
    assert_strict(raw)
    assert_forms_post(p)
    forms = [f for f in p.forms if f["action"] == "/pad/mark"]
    assert [p.hidden(f)["statement"] for f in forms] == ["0", "1"]
    first, second = ([(b["data-mark"], b["value"], b["aria-pressed"]) for b in f["buttons"]] for f in forms)
    assert first == [("green", "", "true"), ("yellow", "yellow", "false"), ("red", "red", "false")]
    assert second == [("green", "green", "false"), ("yellow", "yellow", "false"), ("red", "red", "false")]
    assert "Grøn" in p.text and "Gul" in p.text and "Rød" in p.text and "●" in p.text
    assert p.find("li", class_="statement", data_mine="green")


def test_rate_page_follows_a_methods_own_scale():
    own = {"statements": [{"id": "0", "text": "Terskel", "mine": "passe"}],
           "scale": [{"id": "for lav", "text": "for lav"}, {"id": "passe", "text": "passe"},
                     {"id": "rød", "text": "rød"}]}
    p = page("rate", lang="nb", rate=own)
    buttons = p.forms[0]["buttons"]
    assert [(b["data-mark"], b["value"]) for b in buttons] == [("plain", "for lav"), ("plain", ""), ("red", "rød")]
    assert "for lav" in p.text and "passe" in p.text


def test_signup_and_present_pages():
    raw = pad_page(base("signup", signup=SIGNUP), nonce="N0NCE", now=NOW)
    p = Page(raw)
    assert_strict(raw)
    assert_forms_post(p)
    (form,) = p.forms
    assert form["action"] == "/pad/signup" and p.hidden(form) == {"nonce": "N0NCE", "step": "trin"}
    assert [(b["value"], b["aria-pressed"]) for b in form["buttons"]] == [("t1", "false"), ("t2", "true")]
    assert "Dit valg" in p.text and "Dit navn vises" in p.text

    raw = pad_page(base("present", present=PRESENT), nonce="N0NCE", now=NOW)
    p = Page(raw)
    assert_strict(raw)
    assert_forms_post(p)
    (form,) = p.forms
    assert form["action"] == "/pad/reveal" and p.hidden(form) == {"nonce": "N0NCE", "step": "trin", "note": "n1"}
    assert form["buttons"][0]["data-colour"] == "yellow"
    assert "Din tur" in p.text and "Godt samarbejde" in p.text and "Vend" in p.text

    waiting = page("present", present={"turn": False, "who": "Mette", "notes": []})
    assert "Mette fremlægger" in waiting.text and not waiting.forms and "Din tur" not in waiting.text
    nobody = page("present", lang="nb", present={"turn": False, "who": None, "notes": []})
    assert "Venter på neste tur" in nobody.text


def test_an_empty_ballot_or_theme_list_says_so():
    p = page("vote", vote=dict(VOTE, ballot=[]))
    assert "Der er intet at stemme om endnu." in p.text and not [f for f in p.forms if f["action"] == "/pad/dot"]
    p = page("signup", lang="nb", signup={"themes": []})
    assert "Ingen temaer ennå." in p.text and not p.forms


def test_info_page_title_prompts_and_time_in_each_language():
    for lang, left in (("da", "7 min. tilbage"), ("nb", "7 min igjen"), ("en", "7 min left")):
        p = page("info", lang=lang)
        assert "Refleksion" in p.text and "Hvad virker?" in p.text and left in p.text and not p.forms
        assert p.find("html", lang=lang)
    assert "45 sek. tilbage" in page("info", step={**base("info")["step"], "ends_at": NOW + 44.2}).text
    assert "Tiden er gået" in page("info", step={**base("info")["step"], "ends_at": NOW - 5}).text
    assert not page("info", step={**base("info")["step"], "ends_at": None}).find("p", class_="clock")
    assert page("info", lang="xx").find("html", lang="da")         # an unknown language: the default


def test_paused_pads_disable_sending_and_say_why():
    p = page("write", paused=True)
    assert "Facilitatoren har sat telefonerne på pause et øjeblik." in p.text
    assert all("disabled" in b for f in p.forms for b in f["buttons"])


def test_table_tablet_says_whose_it_is():
    p = page("write", me={"label": "Bord 3", "role": "table", "table": 3, "table_label": "Bord 3"})
    assert "Bordets tablet" in p.text and "Bord 3" in p.text and "Du er" not in p.text


def test_fragment_is_the_view_only_and_the_page_links_its_script_and_css():
    full = pad_page(base("vote", vote=VOTE), nonce="N0NCE", message="Sendt.", now=NOW)
    frag = pad_page(base("vote", vote=VOTE), nonce="N0NCE", message="Sendt.", fragment=True, now=NOW)
    assert frag.startswith(b'<div id="view" data-serial="7" data-step="trin" data-pad="vote">')
    assert frag.endswith(b"</div>") and b"<html" not in frag and b"Sendt." not in frag
    assert frag in full and b'<main id="pad">' in full
    p = Page(full)
    assert p.find("link", rel="stylesheet", href="/static/pad.css") and p.find("script", src="/static/pad.js")
    assert p.find("div", id="msg")[0]["role"] == "status" and "Sendt." in p.text
    assert p.find("body")[0]["data-failed"] == "Væggen svarede ikke. Prøv igen."


# -- hostile text ----------------------------------------------------------------------------

def test_script_and_markup_from_people_come_out_inert():
    evil = " | ".join(XSS)
    me = {"label": evil, "role": "person", "table": 1, "table_label": evil}
    step = {"id": evil, "title": evil, "pad": "write", "prompts": [evil], "ends_at": None, "groups": True}
    views = [
        base("write", team=evil, me=me, step=step, write={
            "kinds": [{"id": evil, "title": evil, "colour": evil}], "max_length": evil, "face_down": False,
            "notes": [{"id": evil, "kind": evil, "text": evil, "editable": True, "held": False}]}),
        base("vote", team=evil, vote=dict(VOTE, ballot=[{"id": evil, "text": evil, "mine": 1, "total": 2}])),
        base("rate", rate={"statements": [{"id": evil, "text": evil, "mine": evil}],
                           "scale": [{"id": evil, "text": evil}]}),
        base("signup", signup={"themes": [{"id": evil, "text": evil, "mine": True}]}),
        base("present", present={"turn": True, "who": evil, "notes": [{"id": evil, "kind": evil, "text": evil,
                                                                        "colour": evil}]}),
        base("present", present={"turn": False, "who": evil, "notes": []}),
    ]
    pages = [pad_page(v, nonce=evil, message=evil, now=NOW) for v in views]
    pages.append(join_page({"lang": "da", "team": evil, "door": {"open": True}, "tables": [1, evil],
                            "table_labels": {"1": evil}, "step": {"title": evil, "pad": "write"}},
                           token_path=evil, nonce=evil, message=evil))
    pages.append(plain_page("da", evil, evil, 403))
    for raw in pages:
        assert_strict(raw)
        html = raw.decode("utf-8")
        assert "<script>alert" not in html and "<img" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(1)&gt;", "")
        assert "' onmouseover='" not in html
        p = Page(raw)
        assert "<script>alert(1)</script>" in p.text            # shown as text, as typed
    # the values come back as typed when a form is sent
    p = Page(pages[0])
    note_form = next(f for f in p.forms if f["action"] == "/pad/note")
    assert p.hidden(note_form) == {"nonce": evil, "step": evil}


# -- the join page and plain pages ----------------------------------------------------------

PUBLIC = {"lang": "da", "team": "Køkkenet", "door": {"open": True}, "tables": [1, 2, 3],
          "table_labels": {"1": "Bord 1", "2": "Bord 2"}, "step": {"title": "Refleksion", "pad": "write"}}


def test_join_page_name_table_role_and_nonce():
    raw = join_page(PUBLIC, token_path="/j/abc123", nonce="N0NCE")
    p = Page(raw)
    assert_strict(raw)
    (form,) = p.forms
    assert form["action"] == "/j/abc123" and form["method"] == "post" and p.hidden(form) == {"nonce": "N0NCE"}
    name = next(f for f in form["fields"] if f.get("name") == "name")
    assert name["maxlength"] == "40" and name["placeholder"] == "Deltager 7" and "required" not in name
    assert [f["value"] for f in form["fields"] if f.get("name") == "table"] == ["1", "2", "3"]
    assert [(f["value"], "checked" in f) for f in form["fields"] if f.get("name") == "role"] == [
        ("person", True), ("table", False)]
    assert "Bord 1" in p.text and "Bord 3" in p.text and "„Deltager 7“" in p.text
    assert "Vær med" in p.text and "På væggen nu: Refleksion" in p.text and "Køkkenet" in p.text
    assert not p.find("script")                        # joining is one plain POST

    nb = Page(join_page(dict(PUBLIC, lang="nb", tables=[]), token_path="/j/abc", nonce="x"))
    assert "Bli med" in nb.text and "Deltaker 7" in nb.text and not [
        f for f in nb.forms[0]["fields"] if f.get("name") == "table"]


def test_join_page_with_the_door_closed_has_no_form():
    p = Page(join_page(dict(PUBLIC, door={"open": False}), token_path="/j/abc", nonce="x", message=""))
    assert not p.forms and "Væggen tager ikke imod flere telefoner" in p.text


def test_plain_pages_and_messages_in_the_sessions_language():
    p = Page(plain_page("nb", *padpages.PLAIN["unknown_device"], 403))
    assert "Skann koden på nytt" in p.text and p.find("main", data_code="403") and not p.forms
    assert Page(plain_page("en", *padpages.PLAIN["not_found"], 404)).find("html", lang="en")
    assert Page(plain_page("da", "The door is closed", "", 403)).text == "Døren er lukket Døren er lukket"
    assert message_for("da", "ok") == "Sendt."
    assert message_for("nb", "too_fast") == "Én lapp om gangen: vent et øyeblikk, og send så."
    assert message_for("da", "moved_on") == "Væggen er gået videre til et andet trin. Her er det nye."
    assert message_for("da", "<script>") == "" and message_for("da", None) == "" and message_for("da", "x" * 99) == ""


def test_colour_names_map_hex_to_the_wall_palette():
    assert colour_name("#f0e442") == "yellow" and colour_name("#cc79a7") == "pink"
    assert colour_name("#99ccf2") == "blue" and colour_name("#8cd9b3") == "green"
    assert colour_name("#f7f7f7") == "white" and colour_name("purple") == "purple"
    assert colour_name("#zzzzzz") == colour_name(None) == colour_name("<x>") == "yellow"


def test_static_files_exist_and_keep_to_the_csp():
    js = (padpages.STATIC / "pad.js").read_text(encoding="utf-8")
    css = (padpages.STATIC / "pad.css").read_text(encoding="utf-8")
    assert "eval(" not in js and "new Function" not in js and ".innerHTML" not in js.replace("tpl.innerHTML", "")
    assert "/pad/state" in js and "fragment=1" in js and "application/json" in js and "1500" in js
    assert "@import" not in css and "url(" not in css
    assert len(js) < 12_000 and len(css) < 12_000
    for colour in ("yellow", "pink", "blue", "green", "orange", "purple", "grey", "white"):
        assert f"[data-colour={colour}]" in css


# -- from a real store ------------------------------------------------------------------------

@pytest.mark.running_session
def test_a_real_snapshot_renders_for_the_phone_that_wrote(store, clock):
    padview = pytest.importorskip("kiosk.core.padview")
    from kiosk.core.method import Method, Step
    from kiosk.core.pads import Pads, digest
    from kiosk.core.people import People
    from kiosk.core.session import Session
    from kiosk.core.wall import Wall

    kinds = [{"id": "godt", "title": "Godt", "colour": "yellow"}, {"id": "skidt", "title": "Skidt", "colour": "pink"}]
    steps = (Step(id="skriv", title="Skriv <b>", minutes=8, activity="write", prompts=("Hvad virker?",),
                  params={"kinds": kinds, "max_length": 60, "face_down": True}),
             Step(id="ned", title="Udsagn", minutes=5, activity="rate",
                  params={"statements": ["Vi hilser", XSS[0]], "scale": ["green", "yellow", "red"]}))
    method = Method(id="m", title="M", language="da", steps=steps)
    session = replace(Session.create(method, XSS[1], clock.now(), "da"), id="s1")
    wall = Wall(store, "s1", clock)
    pads = Pads(store, "s1", clock, wall=wall, people=People(store, "s1", clock), step=lambda: session.step,
                method=method)
    token = pads.open_door()
    joined = padview.apply(pads, {"op": "join", "token": token, "name": XSS[0], "table": "", "role": "person"}, "da")
    other = padview.apply(pads, {"op": "join", "token": token, "name": "", "table": "", "role": "person"}, "da")
    key = joined["key"]
    assert padview.apply(pads, {"op": "note", "key": key, "step": "skriv", "kind": "skidt", "text": SECRET},
                         "da") == {"ok": True}

    def snap(serial):
        return json.loads(json.dumps(padview.snapshot(pads, session, serial=serial, lang="da", now=time.time())))
    started = time.perf_counter()
    mine = padview.for_device(snap(1), digest(key))
    raw = pad_page(mine, nonce="N0NCE")
    assert time.perf_counter() - started < 0.5
    p = Page(raw)
    assert_strict(raw)
    assert_forms_post(p)
    assert "Skriv <b>" in p.text and SECRET in p.text and XSS[0] in p.text      # my name, my note: as typed
    note = p.find("li", class_="note")[0]
    assert note["data-colour"] == "pink"
    assert [p.hidden(f)["note"] for f in p.forms if f["action"] == "/pad/delete"] == [mine["write"]["notes"][0]["id"]]
    # the other phone sees the step, not my note
    theirs = Page(pad_page(padview.for_device(snap(2), digest(other["key"])), nonce="N0NCE"))
    assert SECRET not in theirs.text and "Deltager" in theirs.text and "Ingen endnu" in theirs.text
    # the join page from the same snapshot
    j = Page(join_page(padview.public(snap(3)), token_path="/j/" + token, nonce="N0NCE"))
    assert j.forms and "Skriv <b>" in j.text

    session = session.go_to(method.step_index("ned"), clock.steady())
    assert padview.apply(pads, {"op": "mark", "key": key, "step": "ned", "statement": "1", "mark": "red"},
                         "da") == {"ok": True}
    rate = Page(pad_page(padview.for_device(snap(4), digest(key)), nonce="N0NCE"))
    forms = [f for f in rate.forms if f["action"] == "/pad/mark"]
    assert [[b["aria-pressed"] for b in f["buttons"]] for f in forms] == [["false"] * 3, ["false", "false", "true"]]
    assert XSS[0] in rate.text


# -- pad.js in a real Chromium ------------------------------------------------------------------

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
"""The pad server's header (pad.js's fetch needs connect-src: default-src 'none' blocks it)."""


class FakePads:
    """The pad server's routes as pad.js meets them, answered from a VIEW this test changes."""

    def __init__(self, view: dict, csp: str = CSP) -> None:
        self.view = view
        self.csp = csp
        self.posts: list[tuple[str, dict, str]] = []

    def bump(self, **step) -> None:
        self.view = dict(self.view, serial=self.view["serial"] + 1, step={**self.view["step"], **step})

    def handle(self, route) -> None:
        from urllib.parse import parse_qs, urlsplit

        req = route.request
        url = urlsplit(req.url)
        if url.path.startswith("/static/"):
            f = padpages.STATIC / url.path[len("/static/"):]
            kind = "text/css" if f.suffix == ".css" else "text/javascript"
            return route.fulfill(status=200, body=f.read_bytes(), headers={"Content-Type": kind})
        if url.path == "/pad/state":
            return route.fulfill(status=200, body=json.dumps({"serial": self.view["serial"]}),
                                 headers={"Content-Type": "application/json"})
        if req.method == "POST":
            form = {k: v[0] for k, v in parse_qs(req.post_data or "").items()}
            self.posts.append((url.path, form, req.headers.get("accept", "")))
            if url.path == "/pad/note":
                notes = self.view["write"]["notes"] + [{"id": f"n{len(self.posts)}", "kind": form["kind"],
                                                        "text": form["text"], "editable": True, "held": False}]
                self.view = dict(self.view, serial=self.view["serial"] + 1, write={**self.view["write"], "notes": notes})
            if "json" not in req.headers.get("accept", ""):                    # a plain form: 303, as the server
                return route.fulfill(status=303, headers={"Location": "/pad?m=ok"})
            return route.fulfill(status=200, body=json.dumps({"ok": True, "message": "", "serial": self.view["serial"]}),
                                 headers={"Content-Type": "application/json"})
        fragment = "fragment=1" in url.query
        said = message_for(self.view["lang"], parse_qs(url.query).get("m", [""])[0])
        body = pad_page(self.view, nonce="N0NCE", fragment=fragment, message=said)
        return route.fulfill(status=200, body=body, headers={"Content-Type": "text/html; charset=utf-8",
                                                              "Content-Security-Policy": self.csp})


POLL_NOW = "document.dispatchEvent(new Event('visibilitychange'))"
"""pad.js polls at once when the page shows again: the test need not wait out the 1.5 s."""


def until(page, js: str, seconds: float = 4.0) -> None:
    """Wait for a condition (wait_for_function evaluates through eval, which the CSP forbids)."""
    end = time.monotonic() + seconds
    while True:
        try:
            if page.evaluate(js):
                return
        except Exception:            # the page is between two documents (a plain form's POST and 303)
            pass
        assert time.monotonic() < end, js
        page.wait_for_timeout(50)


def test_pad_js_follows_the_wall_keeps_a_half_typed_note_and_sends_without_a_reload():
    import os
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (Python) is not installed")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    now = time.time()
    pads = FakePads(base("write", write=dict(WRITE, notes=[]),
                         step={**base("write")["step"], "ends_at": now + 60.7}))
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            page = ctx.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.route("**/*", pads.handle)
            pads.view["step"]["ends_at"] = time.time() + 60.8       # a minute and a bit: "2 min", then seconds
            page.goto("http://pad.test/pad")
            assert page.locator(".clock").inner_text() == "2 min. tilbage"
            area = page.locator("#note-text")
            area.click()
            area.type("Halvt skrevet")
            assert page.locator("#note-count").inner_text() == "127 tegn tilbage"
            # the phone counts down from ends_at by itself, between swaps
            until(page, "document.querySelector('.clock').innerText === '60 sek. tilbage'")
            # the wall changes on the same step while typing: the swap waits, the keyboard stays up
            pads.bump(prompts=["Et nyt spørgsmål"])
            page.evaluate(POLL_NOW)
            page.wait_for_timeout(400)
            assert "Et nyt spørgsmål" not in page.inner_text("#view")
            assert page.evaluate("document.activeElement.id") == "note-text"
            page.locator("h1").click()                                    # leaving the field lets it in
            until(page, "document.querySelector('#view').innerText.includes('Et nyt spørgsmål')")
            assert area.input_value() == "Halvt skrevet"
            # the wall moves to another step: swapped at once, the draft carried along
            pads.bump(id="trin2", title="Næste trin")
            page.evaluate(POLL_NOW)
            until(page, "document.querySelector('h1').innerText === 'Næste trin'")
            assert page.locator("#note-text").input_value() == "Halvt skrevet"
            page.locator("label[for=kind-1]").click()
            page.locator("button.primary.wide").click()
            until(page, "document.querySelectorAll('li.note').length === 1")
            path, form, accept = pads.posts[-1]
            assert path == "/pad/note" and "application/json" in accept
            assert form == {"nonce": "N0NCE", "step": "trin2", "kind": "skidt", "text": "Halvt skrevet"}
            assert page.locator("#note-text").input_value() == ""
            assert page.inner_text("#msg") == "Sendt." and page.locator("#msg p.ok").count() == 1
            assert page.url == "http://pad.test/pad"                       # no reload, no redirect

            # a CSP without connect-src blocks fetch: pad.js steps aside and the form posts the plain way
            plain = FakePads(base("write", write=dict(WRITE, notes=[])), csp=CSP.replace(" connect-src 'self';", ""))
            page = ctx.new_page()
            page.route("**/*", plain.handle)
            page.goto("http://pad.test/pad")
            page.fill("#note-text", "Uden fetch")
            page.locator("button.primary.wide").click()
            until(page, "location.search === '?m=ok' && document.querySelectorAll('li.note').length === 1")
            assert plain.posts[-1][1]["text"] == "Uden fetch" and page.inner_text("#msg") == "Sendt."
        finally:
            browser.close()
    assert problems == []                                                 # nothing the CSP blocked


def test_a_declined_note_says_so_and_a_refused_draft_is_kept_in_the_form():
    w = dict(WRITE, notes=[{"id": "h4", "kind": "skidt", "text": "Lederen <i>igen</i>", "editable": False,
                            "held": False, "declined": True}])
    raw = pad_page(base("write", write=w), nonce="N0NCE", now=NOW,
                   draft={"kind": "skidt", "text": "Mit </textarea><script>x</script>"})
    p = Page(raw)
    assert_strict(raw)
    assert "Ikke sat op på væggen" in p.text and "Lederen <i>igen</i>" in p.text
    assert not [f for f in p.forms if f["action"] in ("/pad/edit", "/pad/delete")]  # nothing to change
    send = next(f for f in p.forms if f["action"] == "/pad/note")
    radios = {r["value"]: "checked" in r for r in send["fields"] if r.get("name") == "kind"}
    assert radios == {"godt": False, "skidt": True}
    assert b"Mit &lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>" in raw and b"<script>x" not in raw
