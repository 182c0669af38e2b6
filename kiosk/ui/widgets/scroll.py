"""A list that fingers scroll, and paging for those who do not swipe.

``FingerScroll`` is the scroll view of every long list (the method picker, the plan's
steps); ``paging`` / ``page`` drive the ▲ / ▼ buttons beside it, and ``row_offset`` /
``show_row`` keep a list of whole rows resting on a row.
"""

from __future__ import annotations

from kivy.uix.scrollview import ScrollView


class FingerScroll(ScrollView):
    """A ScrollView for several hands at once.

    Kivy's ScrollView follows one finger: a second finger landing while the first is
    down becomes the one it follows, and the first finger's tap is lost. Here a finger
    that lands while another is down goes straight to what it touches (a button takes
    it as its own tap), and the first finger keeps its tap or its scroll.
    """

    def on_touch_down(self, touch):
        if self._touch and self._touch is not touch:
            if not self.collide_point(*touch.pos):
                return False
            touch.ud[self._extra_key()] = True
            return self.simulate_touch_down(touch)
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if touch.ud.get(self._extra_key()):
            touch.push()
            touch.apply_transform_2d(self.to_local)
            done = super(ScrollView, self).on_touch_up(touch)  # to the children, not the scrolling
            touch.pop()
            return done
        return super().on_touch_up(touch)

    def _extra_key(self) -> str:
        return f"fingerscroll.{self.uid}"


def paging(scroll, content) -> tuple[bool, bool]:
    """(can page up, can page down) of a ScrollView over ``content``."""
    over = content.height - scroll.height
    return over > 1 and scroll.scroll_y < 0.999, over > 1 and scroll.scroll_y > 0.001


def page(scroll, content, direction: int) -> None:
    """Scroll one screenful up (+1) or down (−1), keeping a fifth of it in view."""
    over = content.height - scroll.height
    if over > 0:
        effect = scroll.effect_y
        if effect is not None:  # a list still gliding from a swipe stops where the page goes
            effect.velocity = 0
        step = max(1.0, scroll.height * 0.8) / over
        scroll.scroll_y = min(1.0, max(0.0, scroll.scroll_y + direction * step))
        if effect is not None:
            scroll._update_effect_y_bounds()  # the effect starts from the new place


def row_offset(scroll, content) -> float:
    """How far (px) the view is scrolled down from the top of ``content``."""
    return (1.0 - scroll.scroll_y) * max(0.0, content.height - scroll.height)


def show_row(scroll, content, row: float, row_h: float) -> None:
    """Scroll so that row number ``row`` (0: the first) is at the top of the view, within
    the list's ends, and stop a glide (a list still gliding from a swipe stops there)."""
    over = content.height - scroll.height
    if over <= 0 or row_h <= 0:
        return
    last = round(over / row_h)  # the view holds a whole number of rows: the end is a row too
    target = min(max(0, int(round(row))), last) * row_h
    effect = scroll.effect_y
    if effect is not None:
        effect.velocity = 0
    scroll.scroll_y = min(1.0, max(0.0, 1.0 - target / over))
    if effect is not None:
        scroll._update_effect_y_bounds()  # the effect starts from the new place
