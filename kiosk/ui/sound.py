"""The chime at zero. No audio device means silence, never an error."""

from __future__ import annotations

import logging

from kiosk.paths import assets_dir

log = logging.getLogger("kiosk")
_sound = None
_loaded = False


def chime() -> bool:
    """Play the chime; False when there is no way to make a sound here."""
    global _sound, _loaded
    if not _loaded:
        _loaded = True
        try:
            from kivy.core.audio import SoundLoader
            _sound = SoundLoader.load(str(assets_dir() / "sounds" / "chime.wav"))
        except Exception:  # no provider, no device: a silent kiosk still works
            log.warning("no audio: the chime stays silent", exc_info=True)
            _sound = None
    if _sound is None:
        return False
    try:
        _sound.stop()
        _sound.play()
        return True
    except Exception:
        log.warning("the chime could not play", exc_info=True)
        return False
