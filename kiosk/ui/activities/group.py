"""``group``: drag post-its onto each other to make groups, and name them.

A group shows a heading card with its members below: the heading says the group's
name (an unnamed one its first post-it's text) and how many post-its it holds, at
the wall's full text size, and each member keeps a whole line of its text. Drop
a note or a group on another note or group to join them; drag a member out to an empty spot to take it
out again; drag to an empty spot to move. Tap a heading to name the group.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.wall import NAME_MAX, Cluster
from kiosk.i18n import N_, tr
from kiosk.ui import theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import CARD_H, CARD_W, CLUSTER, LINE_H, note_card
from kiosk.ui.act import FAILED
from kiosk.ui.widgets.board import PAD, Card, NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.text import _height, fit_text

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

MIN_FIT = 0.7
"""The cards shrink (in size, never in text) to this much of their size at most when the wall is full."""
LANE_FIT = 0.5
"""...and in a table's lane, where the cards are as wide as the lane, to one whole line of text
(a full lane of four tables at 1080p holds about eight notes a table that way)."""


def line_h(s: float) -> float:
    """One line of card text (theme.NOTE) with the card's padding above and below it."""
    return LINE_H * s


MEMBER_LINES = 1
"""Lines of its text a member shows under its group's heading: a whole first line (two made
every card on a full wall narrower, which cost more words than it gained)."""


def member_h(s: float) -> float:
    """A member's strip under its group's heading: MEMBER_LINES whole lines of its text, at full size."""
    return 2 * PAD * s + MEMBER_LINES * line_h(s) + 2 * s


def count_text(n: int) -> str:
    return tr("{n} post-it").format(n=n) if n == 1 else tr("{n} post-its").format(n=n)


def status_text(groups: int, notes: int) -> str:
    """'1 group · 3 post-its on their own', with the singular and the plural right."""
    g = tr("{n} group").format(n=groups) if groups == 1 else tr("{n} groups").format(n=groups)
    n = tr("{n} post-it on its own").format(n=notes) if notes == 1 \
        else tr("{n} post-its on their own").format(n=notes)
    return f"{g} · {n}"


def heading(name: str, members: int, width: float, s: float) -> tuple[str, float]:
    """A group's heading card: its name (up to two lines, cut after a whole word) and,
    on a line of its own that is never cut, how many post-its it holds; and the card's
    height for that text, at full text size (theme.NOTE), so it reads from across the room."""
    body_w = width - 2 * PAD * s
    size = theme.NOTE * s
    one = line_h(s)
    name = fit_text(name, body_w, 2 * one + 1, size)
    lines = 1 if _height(name, body_w, size) <= one + 1 else 2
    return f"{name}\n{count_text(members)}", 2 * PAD * s + (lines + 1) * one + 2 * s


class GroupView(WallView):
    status = StringProperty("")
    LANES = True
    LANE_HINT = N_("Drag onto each other to group · tap a group to name it")
    """What to do, said once over all the lanes of a table-group step (not in each lane)."""
    lane_hint = BooleanProperty(False)
    """In a table's lane: the lanes say what to do, this view only its count."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.owner: dict[str, str] = {}  # card key → the item key it belongs to
        board = self.ids.board
        board.bind(on_tap=lambda _b, key: self.tap(key), on_drop=self._dropped,
                   size=lambda *_: self.refresh())
        self.composer = None
        self.lane_hint = self.lane is not ...

    def items(self):
        return [i for i in self.wall.items(kinds=self.step.params.get("kinds"), **self.in_lane)
                if isinstance(i, Cluster) or not i.face_down]

    def refresh(self):
        board, s = self.ids.board, self.app.s
        wall = self.wall
        items = self.items()
        cards: list[Card] = []
        self.owner = {}
        members = {i.key: wall.cluster_notes(i.id) for i in items if isinstance(i, Cluster)}
        placed, _fit = self.layout(items, members, board.width, board.height, s)
        board.scale = s  # the cards shrink on a full wall; their text stays readable
        for item, (x, y, cw, head, strip, text) in zip(items, placed):
            if isinstance(item, Cluster):
                cards.append(Card(key=item.key, text=text, rect=(x, y - head, cw, head), colour=CLUSTER))
                self.owner[item.key] = item.key
                for i, note in enumerate(members[item.key]):
                    top = y - head - 4 * s - i * (strip + 4 * s)
                    cards.append(note_card(note, self.styles, (x + 12 * s, top - strip, cw - 12 * s, strip)))
                    self.owner[note.key] = item.key
            else:
                cards.append(note_card(item, self.styles, (x, y - head, cw, head)))
                self.owner[item.key] = item.key
        board.set_cards(cards)
        groups = len(members)
        self.status = status_text(groups, len(items) - groups)
        if self.lane_hint:  # a narrow lane: its count on one line
            notes = sum(len(m) for m in members.values()) + len(items) - groups
            self.status = count_text(notes) + ("   ·   " + (tr("{n} group") if groups == 1 else tr("{n} groups"))
                                                .format(n=groups) if groups else "")

    def layout(self, items, members: dict, width: float, height: float, s: float):
        """(x, top, width, head height, strip height, heading text) per item: columns
        filled shortest first.

        An item moved by hand sits where it was dropped; the rest flow. When the wall
        gets full the cards narrow and the loose notes get shorter (to MIN_FIT at most);
        a group's heading and its members' strips keep the height of their text.
        """
        scale = 1.0
        wall = self.wall
        strip_h = member_h(s)
        lane = self.lane is not ...
        while True:
            cw, gap = CARD_W * s * scale, 14 * s * scale
            note_h = CARD_H * s * scale
            cols = max(1, int((width + gap) // (cw + gap)))
            if lane:  # a table's narrow lane: as many columns as full-size cards fill it, so
                # a full lane shrinks its cards in height only, and more of each note shows
                cols = max(1, int((width + gap) // (CARD_W * s + gap)))
                cw = (width - gap * (cols - 1)) / cols
            tops = [height] * cols
            out = []
            for item in items:
                inside = members.get(item.key, [])
                if isinstance(item, Cluster):
                    text, head = heading(wall.label(item.key), len(inside), cw, s)
                else:
                    text, head = "", note_h
                total = head + len(inside) * (strip_h + 4 * s)
                if item.pos is not None:
                    x = min(max(0.0, item.pos[0] * width - cw / 2), width - cw)
                    top = min(max(total, item.pos[1] * height + head / 2), height)
                else:
                    col = max(range(cols), key=lambda c: tops[c])
                    x, top = col * (cw + gap), tops[col]
                    tops[col] -= total + gap
                out.append((x, top, cw, head, strip_h, text))
            least = LANE_FIT if lane else MIN_FIT
            if min(tops) >= -1 or scale <= least:
                return out, scale
            scale = max(least, scale * 0.9)

    # -- intents -----------------------------------------------------------------------

    def _dropped(self, board, key: str, x: float, y: float, target: str | None):
        wall = self.wall
        item = self.owner.get(key)
        onto = self.owner.get(target) if target else None
        at = (x / board.width, y / board.height)
        if item is None:
            return
        member = item != key  # a note dragged out of its group
        if onto is not None and onto != item:
            if member and self.app.act(wall.ungroup, int(key[1:]), at=at, undo=wall) is FAILED:
                return
            # the room's step (the plenary) may stack the tables' notes together; a table's lane its own
            self.app.act(wall.group, key if member else item, onto, across=self.lane is ..., undo=wall)
        elif member and onto is None:
            self.app.act(wall.ungroup, int(key[1:]), at=at, undo=wall)
        elif onto is None:
            self.app.act(wall.move, item, *at, undo=wall)
        else:
            self.refresh()  # dropped on itself or its own group: it goes back

    def tap(self, key: str):
        if not key.startswith("c"):
            return
        wall = self.wall
        cluster = wall.item(key)
        self.composer = Composer(
            on_save=lambda text: self.app.act(wall.name_cluster, cluster.id, text, undo=wall) is not FAILED,
            text=cluster.name, title=tr("Name the group"), limit=NAME_MAX, colour=CLUSTER)
        self.composer.open()


View = GroupView
