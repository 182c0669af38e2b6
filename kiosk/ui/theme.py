"""Colours and sizes for a wall screen, in one place.

Sizes are for 1920×1080 and scale with the window (``app.s``), so 4K looks the
same, only sharper. Colours are Okabe–Ito (safe for colour-blind eyes) and never
the only signal: every state also has a word or a shape.
"""

BG = (0.078, 0.125, 0.169, 1)          # deep blue-grey: little glare, little burn-in
PANEL = (0.122, 0.184, 0.239, 1)
PANEL_HI = (0.17, 0.25, 0.32, 1)
TEXT = (0.96, 0.96, 0.96, 1)
MUTED = (0.74, 0.79, 0.83, 1)
ACCENT = (0.337, 0.706, 0.914, 1)      # sky blue
ACCENT_DARK = (0.0, 0.447, 0.698, 1)   # blue
GO = (0.0, 0.62, 0.451, 1)             # bluish green
WARN = (0.835, 0.369, 0.0, 1)          # vermillion: over time, errors
WARN_BG = (0.45, 0.2, 0.02, 1)
NOTE_YELLOW = (0.941, 0.894, 0.259, 1)
NOTE_PINK = (0.8, 0.475, 0.655, 1)

BODY = 32          # px at 1080p; DESIGN.md asks ≥ 28
TITLE = 52
SMALL = 28
NOTE = 28          # post-it text: DESIGN.md's body size, so a note reads from 3 m like the rest
TARGET = 100       # px at 1080p; DESIGN.md asks ≥ 80
TIMER = 340        # font px at 1080p: digits ≈ 0.71 em ≈ 22 % of the screen height
