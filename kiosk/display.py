"""The screen's own size, asked before Kivy opens its window.

Kivy's fullscreen ('auto') asks the window manager to make the window fill the
screen. On an X server with no window manager (``xinit kiosk`` on a wall screen)
nobody does, and the window stays at the size it was created with: Kivy's default
800×600, while SDL already lays the content out for the whole screen, so it is
cut off. Created at the screen's size at (0, 0), the window fills the screen with
or without a window manager, and a compositor such as cage sizes it anyway.

The size comes from SDL, the library Kivy draws with (the copy in Kivy's wheel,
else the system's), for display 0 as SDL's fullscreen uses it. SDL is started
and stopped for the question, before Kivy starts it for good.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import importlib.util
import logging
import os

log = logging.getLogger("kiosk")

SDL_INIT_VIDEO = 0x20


class _DisplayMode(ctypes.Structure):
    _fields_ = [("format", ctypes.c_uint32), ("w", ctypes.c_int), ("h", ctypes.c_int),
                ("refresh_rate", ctypes.c_int), ("driverdata", ctypes.c_void_p)]


def _sdl_candidates() -> list[str]:
    """SDL2 as Kivy loads it: its wheel's copy first (the same library, so one
    SDL in the process), then the system's."""
    out = []
    spec = importlib.util.find_spec("kivy")
    if spec is not None and spec.origin:
        site = os.path.dirname(os.path.dirname(spec.origin))
        for pattern in ("Kivy.libs/libSDL2-2*.so*", "kivy/.dylibs/libSDL2-2*.dylib"):
            out += sorted(glob.glob(os.path.join(site, pattern)))
    for name in ("SDL2-2.0", "SDL2"):
        found = ctypes.util.find_library(name)
        if found:
            out.append(found)
    return out


def desktop_size() -> tuple[int, int] | None:
    """(width, height) of display 0 in pixels, or None when it cannot be known (no
    SDL, no display): the caller then leaves the window to Kivy's defaults."""
    for path in _sdl_candidates():
        try:
            sdl = ctypes.CDLL(path)
        except OSError:
            continue
        try:
            if sdl.SDL_InitSubSystem(ctypes.c_uint32(SDL_INIT_VIDEO)) != 0:
                log.warning("the screen's size is unknown: SDL could not open the display")
                return None
            try:
                mode = _DisplayMode()
                if sdl.SDL_GetDesktopDisplayMode(0, ctypes.byref(mode)) != 0:
                    return None
                return (mode.w, mode.h) if mode.w > 0 and mode.h > 0 else None
            finally:
                sdl.SDL_QuitSubSystem(ctypes.c_uint32(SDL_INIT_VIDEO))
        except AttributeError:  # not SDL2 after all
            continue
    log.warning("the screen's size is unknown: SDL2 was not found")
    return None
