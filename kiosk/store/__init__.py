"""Persistence: crash-safe TinyDB files behind one Store (no Kivy, no UI imports)."""

from .migrations import SCHEMA_VERSION, migrate
from .storage import Recovery, SafeJSONStorage, StoreError
from .store import Store

__all__ = ["Store", "StoreError", "Recovery", "SafeJSONStorage", "SCHEMA_VERSION", "migrate"]
