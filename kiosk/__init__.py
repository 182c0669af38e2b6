"""Dialog kiosk: a wall-screen app for workplace well-being workshops.

Importing the package starts nothing; the UI is imported only by ``kiosk.cli``.
"""

__version__ = "0.1.0"
