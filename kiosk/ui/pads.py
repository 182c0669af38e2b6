"""The app's side of the pads: the running session's phones and table tablets.

One ``kiosk.core.pads.Pads`` per running session (like ``app.people()``), bound to the
session's own wall and people, so a phone's note goes through the same rules, the same
undo and the same store as a tap on the wall. The app's one ``kiosk.web.padlink.PadLink``
(``web_link``) carries the phones' intents from the kiosk's web process, which serves the
export's links too (``kiosk.ui.export``): it is started when the facilitator taps "Open for
phones" (or a link is shared), its pads end with the session ("pads off": the export goes
on), and the process ends with the app.

An intent arrives on the link's reader thread and is run on the Kivy thread (the store
has one writer, and the screens are Kivy's), through ``app.act`` with ``quiet``: the
wall's Undo takes a phone's note back, but a refusal goes back to the phone and never
puts a banner on the wall. What the pads may read is published as a snapshot
(``kiosk.core.padview.snapshot``) whenever something they can see changed: every
committed change bumps ``app.revision`` (an intent, a step, the timer, an undo), which
only marks the snapshot stale; the app's 0.2 s tick builds and sends it once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Optional

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk import i18n
from kiosk.core import padview
from kiosk.core.lanes import lane_title
from kiosk.core.pads import Pads, pad_kind
from kiosk.core.refusal import Refusal
from kiosk.i18n import N_
from kiosk.store import StoreError
from kiosk.ui.later import running_app
from kiosk.web.lan import ServerConfig

log = logging.getLogger("kiosk")

NOT_STARTED = N_("The phones' page could not be started. Try again, or ask the admin to look at the log.")

WALL_OPS = ("note", "edit", "delete")
"""A phone's intents the wall's Undo takes back (a note on the wall, as if typed there); a
vote, a mark or a sign-up is the person's own answer, not the facilitator's to undo."""


def takes_input(step, method=None) -> bool:
    """Does a pad do something at this step (write, vote with dots, rate, sign up,
    present, notes on a timeline or map that takes them), so the workshop offers "Open
    for phones"? The core's ``pad_kind`` decides, as for the phone's own page."""
    return pad_kind(step, method) != "info"


class _Refused(Refusal):
    """A phone's intent the rules refused: its OUTCOME, raised so ``app.act`` changes nothing."""

    def __init__(self, outcome: dict) -> None:
        super().__init__(str(outcome.get("reason") or "failed"))
        self.outcome = outcome


def _apply(pads, intent, lang: str) -> dict:
    outcome = padview.apply(pads, intent, lang)
    if not outcome.get("ok"):
        raise _Refused(outcome)
    return outcome


def run_on_kivy(f) -> None:
    """PadLink's ``run``: ``f`` on the Kivy thread, at the next frame (Clock is thread-safe)."""
    Clock.schedule_once(lambda dt: f(), 0)


class PadGlue(EventDispatcher):
    """The pads of the running session, the link to the pad server, and its snapshots.

    The panel (``kiosk.ui.widgets.padpanel``) binds to these properties.
    """

    state = StringProperty("off")
    """'off' (no server), 'starting', 'on' (the server is up), 'failed' (it could not start)."""
    door_open = BooleanProperty(False)
    paused = BooleanProperty(False)
    joined = NumericProperty(0)
    """Devices joined and not removed."""
    inbox = BooleanProperty(False)
    """Phones' notes wait for the facilitator before they go on the wall."""
    held = NumericProperty(0)
    """Notes waiting in the inbox."""
    voted = StringProperty("")
    """'7 of 9 have voted' at a vote step with phones in ('' elsewhere)."""
    join_url = StringProperty("")
    """The address in the join QR code while the door is open ('' closed)."""
    address = StringProperty("")
    """The short address to type ('192.168.1.20:8765')."""
    problem = StringProperty("")
    """Why the server did not start, in the screen's words."""

    def __init__(self, app, **kw):
        super().__init__(**kw)
        self.app = app
        self._pads: Optional[Pads] = None
        self.link = None
        """The web link while the session's pads are on (starting, on), else None."""
        self.web = None
        """The app's one web link (``web_link``), made on first use."""
        self._token: Optional[str] = None
        self._dirty = False
        self._serial = 0
        self._starting: Optional[threading.Thread] = None
        self._session: Optional[str] = app.workshop.session.id if app.workshop is not None else None
        app.bind(revision=self._changed, workshop=self._workshop_changed)

    # -- the running session's pads ------------------------------------------------------

    def pads(self) -> Optional[Pads]:
        """The running session's pads (one object per session and wall), None without one."""
        app = self.app
        ws, wall, people = app.workshop, app.wall(), app.people()
        if ws is None or wall is None or people is None:
            return None
        p = self._pads
        if p is None or p.session_id != ws.session.id or p.wall is not wall or p.people is not people:
            if p is not None:  # another session (or its wall anew): its door and link go
                self.stop()
            p = self._pads = Pads(app.store, ws.session.id, app.clock, wall=wall, people=people,
                                  step=self._step, method=ws.session.method)
            self._sync()
        return p

    def _step(self):
        ws = self.app.workshop
        return ws.session.step if ws is not None else None

    def _workshop_changed(self, app, workshop):
        """The session ended or another began: its phones' link goes with it."""
        sid = workshop.session.id if workshop is not None else None
        if sid != self._session:
            self._session = sid
            self.stop()
            self._pads = None
            self._sync()

    def _changed(self, *_):
        """Any committed change (a tap, an undo, a step): the phones' snapshot is stale, and
        the counts the panel shows are read again (an undo may put a note back in the inbox)."""
        self._dirty = True
        if self._pads is not None:
            self._sync()

    def _sync(self):
        p = self._pads
        self.door_open = bool(p is not None and p.door.open)
        self.paused = bool(p is not None and p.door.paused)
        self.joined = len(p.devices()) if p is not None else 0
        self.inbox = bool(p is not None and p.door.inbox)
        self.held = len(p.held()) if p is not None else 0
        self.voted = self.voted_text()
        link = self.link
        if self.door_open and self._token and link is not None and self.state == "on":
            self.join_url = link.join_url(self._token)
        else:
            self.join_url = ""
        self.address = link.address if link is not None and self.state == "on" else ""

    # -- the facilitator's controls ----------------------------------------------------

    def open(self) -> bool:
        """"Open for phones": the door opens with a fresh token, and the server starts (in
        a thread: the wall keeps drawing meanwhile). False without a session."""
        pads = self.pads()
        if pads is None:
            return False
        self._token = pads.open_door()
        self.problem = ""
        self._start_link()
        self._touch()
        return True

    def close_door(self) -> None:
        """New phones can no longer join; the joined ones go on."""
        pads = self.pads()
        if pads is not None:
            pads.close_door()
        self._token = None
        self._touch()
        if self.state == "on":
            self.publish()  # a shut door shuts at once, not at the next tick

    def pause(self, paused: bool) -> bool:
        """Pause all pads (they read, but send nothing), or let them go on; undoable."""
        pads = self.pads()
        return pads is not None and self._do(pads.pause, paused, undo=pads)

    def set_inbox(self, on: bool) -> bool:
        """Hold phones' notes for the facilitator, or let them straight on; undoable."""
        pads = self.pads()
        return pads is not None and self._do(pads.inbox, on, undo=pads)

    def let_in(self, held_id: int) -> bool:
        """A held note onto the wall (Undo takes it back to the inbox)."""
        pads = self.pads()
        return pads is not None and self._do(pads.let_in, held_id, undo=pads)

    def decline(self, held_id: int) -> bool:
        """A held note never goes on the wall (Undo puts it back in the inbox)."""
        pads = self.pads()
        return pads is not None and self._do(pads.decline, held_id, undo=pads)

    def remove(self, device_id: int) -> bool:
        """Take a device off (the panel asks first); its notes stay, anonymous."""
        pads = self.pads()
        return pads is not None and self._do(pads.remove, device_id)

    def _do(self, intent, *args, undo=None) -> bool:
        from kiosk.ui.act import FAILED

        done = self.app.act(intent, *args, undo=undo) is not FAILED
        self._touch()
        return done

    def carry_on(self) -> None:
        """After a restart with phones joined: their server starts again, the door stays
        shut (a new code needs "Open for phones"), and they go on with their keys."""
        if self.pads() is not None and self.link is None:
            self._start_link()

    # -- what the panel lists ----------------------------------------------------------------

    def device_rows(self) -> list[tuple[int, str]]:
        """(device id, 'Kari · Table 2' / 'Table 3 · tablet') for the devices list."""
        pads = self.pads()
        if pads is None:
            return []
        t = i18n.tr
        rows = []
        for d in pads.devices():
            if d.role == "table":
                text = pads.label(d, t) + "  ·  " + t("tablet")
            else:
                table = pads.table_of(d)
                text = pads.label(d, t) + (f"  ·  {lane_title(table, t)}" if table is not None else "")
            rows.append((d.id, text))
        return rows

    def held_rows(self) -> list[tuple[int, str]]:
        """(held id, its text) for the inbox: what it says, never who sent it."""
        pads = self.pads()
        return [(h.id, h.text) for h in pads.held()] if pads is not None else []

    def voted_text(self) -> str:
        """'7 of 9 have voted' at a dots vote with persons' phones joined, else ''."""
        p, ws = self._pads, self.app.workshop
        step = ws.session.step if ws is not None else None
        if p is None or step is None or step.activity != "vote" or not takes_input(step):
            return ""
        done, of = p.voted_count(step.id)
        if not of:
            return ""
        return i18n.tr("{n} of {total} have voted").format(n=done, total=of)

    def _touch(self):
        """A change the phones see: published at the next tick."""
        self._dirty = True
        self._sync()

    # -- the link -----------------------------------------------------------------------

    def web_link(self):
        """The app's one web process link (pads and export on one port), made on first use;
        the process itself starts when the pads or an export link need it."""
        from kiosk.web.padlink import PadLink

        app = self.app
        data = str(app.store.data_dir)
        if self.web is not None and self.web.data_dir != data:  # another store (tests): another process
            self.stop()
            self.web.stop()
            self.web = None
        if self.web is None:
            config = ServerConfig.from_settings(app.settings)
            self.web = PadLink(self._on_intent, run=run_on_kivy, host=config.bind, port=config.port,
                               public_host=config.host or None, data_dir=data)
            self.web.snapshot = self._snapshot_if_on
        return self.web

    def _snapshot_if_on(self) -> Optional[dict]:
        """The snapshot the link sends with an intent's outcome: it is the published one
        too, so the next tick builds none (one build per phone's intent, not two: each
        costs the wall's thread ~9 ms with 45 devices at a vote, bench_pads.py)."""
        if self.link is None:
            return None
        snap = self.snapshot()
        if snap is not None:
            self._dirty = False
        return snap

    def _start_link(self):
        if self.link is not None and self.state in ("on", "starting"):
            self._sync()
            return
        self.link = self.web_link()
        self._spawn(self.link)

    def _spawn(self, link):
        """Start (or start again) the web process in a thread: the wall keeps drawing. (A
        taken port is the process's own affair: it listens on a free one and says which.)"""
        self.state = "starting"

        def start():
            error = None
            try:
                link.start()
            except Exception as e:  # PadLinkError, or a port the OS refused: said on the panel
                error = e
            Clock.schedule_once(lambda dt: self._started(link, error), 0)

        self._starting = threading.Thread(target=start, name="kiosk-padlink-start", daemon=True)
        self._starting.start()

    def _started(self, link, error):
        if link is not self.link or running_app() is None:  # the pads ended meanwhile
            return
        if error is not None:
            log.error("the pad server did not start: %s", error)
            self.link = None
            self.state = "failed"
            self.problem = i18n.tr(NOT_STARTED)
        else:
            self.state = "on"
            self._dirty = True
            self.publish()
        self._sync()

    def wait_started(self, seconds: float = 15.0) -> bool:
        """For tests and the screenshot tool: until the server is up (or failed)."""
        t = self._starting
        if t is not None:
            t.join(seconds)
        return not (t is not None and t.is_alive())

    def stop(self):
        """The session ended: its pads go (the web process forgets them; an export link
        open meanwhile goes on), the door shuts."""
        link, self.link = self.link, None
        self._token = None
        if self._pads is not None and self._pads.door.open:
            self._pads.close_door()
        if link is not None:
            link.pads_off()
            link.stop_if_idle()  # no export link open either: nothing listens any more
        self.state = "off"
        self._sync()

    def shut(self):
        """The app stops: the pads go, and the web process ends with the kiosk."""
        self.stop()
        web, self.web = self.web, None
        if web is not None:
            try:
                web.stop()
            except Exception:  # a dead process is already what we want
                log.exception("stopping the web process")

    # -- the phones' side ----------------------------------------------------------------

    def tick(self):
        """The app's 0.2 s tick: publish once when something the phones see changed; a
        server process that died (killed, out of memory) starts again on its port, with
        the last snapshot, so the phones' open pages carry on."""
        link = self.link
        if link is None and self.web is not None:
            self.web.stop_if_idle()  # the last export link expired
        if link is None or self.state != "on":
            return
        if not link.alive:
            log.warning("the pad server stopped; starting it again")
            self._spawn(link)
            self._sync()
            return
        if self._dirty:
            self.publish()

    def publish(self):
        self._dirty = False
        link = self.link
        if link is None:
            return
        snap = self.snapshot()
        if snap is not None:
            link.publish(snap)
        self._sync()

    def snapshot(self) -> Optional[dict]:
        """What the phones may read now (never a device key)."""
        pads = self.pads()
        ws = self.app.workshop
        if pads is None or ws is None:
            return None
        self._serial += 1
        return padview.snapshot(pads, ws.session, serial=self._serial, lang=ws.session.lang)

    def _on_intent(self, intent: Any) -> dict:
        """One phone's intent, on the Kivy thread: applied as a tap on the wall, answered
        with the outcome; a refusal is the phone's to read, not the wall's."""
        pads = self.pads()
        ws = self.app.workshop
        if pads is None or ws is None:
            return padview.refused("moved_on", i18n.DEFAULT)
        lang = ws.session.lang
        op = intent.get("op") if isinstance(intent, dict) else None
        on_wall = op in WALL_OPS and not (op == "note" and pads.door.inbox) \
            and not str(intent.get("note", "")).startswith("h")  # a held note is not on the wall yet
        try:
            outcome = self.app.act(_apply, pads, intent, lang, undo=self.app.wall() if on_wall else None,
                                   quiet=True)
        except _Refused as e:
            return e.outcome
        except Refusal as e:
            return padview.refused(e.reason, lang)
        except StoreError as e:
            log.error("a phone's intent could not be stored: %s", e)
            return padview.refused("not_saved", lang)
        self._touch()
        return outcome
