"""An activity from outside the kiosk package, for tests/test_extension_activity.py:
one core module (``tally``) and one view (``tally_view`` + kv), registered by the test
with ``kiosk.core.activities.register`` and nothing else edited."""
