"""``group``: drag post-its onto each other to make groups, and name them.

A group shows a heading card with its members below. Drop a note or a group on
another note or group to join them; drag a member out to an empty spot to take it
out again; drag to an empty spot to move. Tap a heading to name the group.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.core.wall import NAME_MAX, Cluster
from kiosk.i18n import tr
from kiosk.ui.activities.notes import CARD_H, CARD_W, CLUSTER, WallView, note_card
from kiosk.ui.app import FAILED
from kiosk.ui.board import Card, NoteBoard  # noqa: F401  (kv)
from kiosk.ui.composer import Composer

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

MEMBER_H = 44


class GroupView(WallView):
    status = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        self.owner: dict[str, str] = {}  # card key → the item key it belongs to
        board = self.ids.board
        board.bind(on_tap=lambda _b, key: self.tap(key), on_drop=self._dropped,
                   size=lambda *_: self.refresh())
        self.composer = None

    def items(self):
        return [i for i in self.wall.items(kinds=self.step.params.get("kinds"))
                if isinstance(i, Cluster) or not i.face_down]

    def refresh(self):
        board, s = self.ids.board, self.app.s
        items = self.items()
        cards: list[Card] = []
        self.owner = {}
        placed, fit = self.layout(items, board.width, board.height, s)
        board.scale = s * max(0.8, fit)  # text shrinks less than the cards
        for item, (x, y, cw, head, strip) in zip(items, placed):
            if isinstance(item, Cluster):
                members = self.wall.cluster_notes(item.id)
                name = item.name or tr("Unnamed group")
                cards.append(Card(key=item.key, text=f"{name}  ({len(members)})", rect=(x, y - head, cw, head),
                                  colour=CLUSTER))
                self.owner[item.key] = item.key
                for i, note in enumerate(members):
                    top = y - head - 4 * s - i * (strip + 4 * s)
                    cards.append(note_card(note, self.styles, (x + 12 * s, top - strip, cw - 12 * s, strip)))
                    self.owner[note.key] = item.key
            else:
                cards.append(note_card(item, self.styles, (x, y - head, cw, head)))
                self.owner[item.key] = item.key
        board.set_cards(cards)
        groups = sum(1 for i in items if isinstance(i, Cluster))
        self.status = tr("{groups} groups · {notes} post-its on their own").format(
            groups=groups, notes=len(items) - groups)

    def layout(self, items, width: float, height: float, s: float):
        """(x, top, width, head height, strip height) per item: columns filled shortest first.

        An item moved by hand sits where it was dropped; the rest flow. Everything
        shrinks together (to half size at most) when the wall gets full.
        """
        scale = 1.0
        while True:
            cw, gap = CARD_W * s * scale, 14 * s * scale
            note_h, head_h, strip_h = CARD_H * s * scale, 72 * s * scale, MEMBER_H * s * scale
            cols = max(1, int((width + gap) // (cw + gap)))
            tops = [height] * cols
            out = []
            for item in items:
                is_cluster = isinstance(item, Cluster)
                members = len(self.wall.cluster_notes(item.id)) if is_cluster else 0
                head = head_h if is_cluster else note_h
                total = head + members * (strip_h + 4 * s)
                if item.pos is not None:
                    x = min(max(0.0, item.pos[0] * width - cw / 2), width - cw)
                    top = min(max(total, item.pos[1] * height + head / 2), height)
                else:
                    col = max(range(cols), key=lambda c: tops[c])
                    x, top = col * (cw + gap), tops[col]
                    tops[col] -= total + gap
                out.append((x, top, cw, head, strip_h))
            if min(tops) >= -1 or scale <= 0.6:
                return out, scale
            scale *= 0.9

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
            self.app.act(wall.group, key if member else item, onto, undo=wall)
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
