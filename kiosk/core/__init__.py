"""The rules of the kiosk, in plain Python: no Kivy, no HTTP.

Everything here is tested in milliseconds without a window; the UI binds to it.
"""
