"""Every store file, every way it can be damaged: the store goes back to the newest good copy.

Real Store, real files in tmp_path. A damaged file is anything the store would not
have written there: half a file, ``{}``, only the format stamp, a folder, a FIFO or a
dangling link in its place, a file that cannot be read, a session file holding no
session or another one. Each is set aside, the version before the last write
(``.bak0``) comes back, so at most the last change is lost, and ``store.recoveries``
says so. A file from a newer kiosk is not damage: it is refused and left untouched.
"""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest

from kiosk.clock import FakeClock
from kiosk.store import Store, StoreError, migrations
from kiosk.store.storage import _parse

STAMP = {"_meta": {"1": {"schema_version": migrations.SCHEMA_VERSION}}}


def session(sid="s1", **kw) -> dict:
    doc = {"id": sid, "team": "Hjemmeplejen Nord", "method_id": "trivselsdialog",
           "method_title": "Trivselsdialog", "status": "running", "step_index": 0}
    doc.update(kw)
    return doc


def write_bytes(raw: bytes):
    def damage(path):
        with open(path, "wb") as fh:  # in place, as a torn flush or a careless editor does
            fh.write(raw)
    return damage


def truncate(path):
    with open(path, "r+b") as fh:
        fh.truncate(os.path.getsize(path) // 2)


def folder(path):
    os.unlink(path)
    os.mkdir(path)
    open(os.path.join(path, "inside"), "w").close()


def dangling_link(path):
    os.unlink(path)
    os.symlink(path + ".gone", path)


def link_loop(path):
    os.unlink(path)
    os.symlink(os.path.basename(path), path)


def fifo(path):
    os.unlink(path)
    os.mkfifo(path)  # opening it for reading would block for good


#: Damage that every store file can suffer, by name.
DAMAGE = {
    "truncated": truncate,
    "zero-bytes": write_bytes(b""),
    "empty-object": write_bytes(b"{}"),
    "stamp-only": write_bytes(json.dumps(STAMP).encode()),
    "not-a-document": write_bytes(json.dumps({**STAMP, "state": {"1": 5}}).encode()),
    "bad-doc-id": write_bytes(json.dumps({**STAMP, "state": {"x": {"key": "k"}}}).encode()),
    "folder": folder,
    "dangling-link": dangling_link,
    "link-loop": link_loop,
    "fifo": fifo,
}


class Folder:
    """A data folder with a history: kiosk.json and one session, written over a minute.

    The last write of each file is a change the recovery may lose; everything
    before it must come back.
    """

    def __init__(self, tmp_path) -> None:
        self.dir = tmp_path / "data"
        self.clock = FakeClock()
        with Store(self.dir, clock=self.clock) as store:
            store.set_state("settings", {"lang": "da", "pin": "hash"})
            store.set_state("active_session", "s1")
            store.save_session(session("s1"))
            for i in range(5):  # a note every 10 s: all within one backup interval
                self.clock.advance(10)
                store.insert("s1", "notes", {"text": f"note {i}"})
            self.clock.advance(10)
            store.set_state("settings", {"lang": "da", "pin": "hash", "chime": True})  # kiosk.json's last change
        self.kiosk = str(self.dir / "kiosk.json")
        self.session = str(self.dir / "sessions" / "s1.json")

    def open(self) -> Store:
        return Store(self.dir, clock=self.clock)


@pytest.fixture
def folder_with_history(tmp_path):
    return Folder(tmp_path)


def backups_are_all_good(path) -> list[str]:
    """Every .bakN of a file is a state the store would accept (whole JSON, not empty)."""
    found = sorted(p for p in os.listdir(os.path.dirname(path))
                   if p.startswith(os.path.basename(path) + ".bak") and ".corrupt-" not in p)
    for name in found:
        with open(os.path.join(os.path.dirname(path), name), "rb") as fh:
            data = _parse(fh.read())
        assert set(data) - {"_meta"}, f"{name} holds nothing"
    return found


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_kiosk_json_comes_back_from_the_version_before_its_last_write(folder_with_history, damage):
    f = folder_with_history
    DAMAGE[damage](f.kiosk)
    store = f.open()
    try:
        assert len(store.recoveries) == 1, store.recoveries
        rec = store.recoveries[0]
        assert rec.path == f.kiosk and rec.backup_used == f.kiosk + ".bak0" and rec.previous
        assert rec.moved_to and os.path.lexists(rec.moved_to) and ".corrupt-" in rec.moved_to
        assert rec.reason and rec.saved_at is not None
        # Only the last change is gone; the settings and the running workshop are reachable.
        assert store.get_state("settings") == {"lang": "da", "pin": "hash"}
        assert store.get_state("active_session") == "s1"
        assert [e["id"] for e in store.list_sessions()] == ["s1"]
        assert stat.S_ISREG(os.lstat(f.kiosk).st_mode)  # the kiosk's own file is back in place
    finally:
        store.close()
    store = f.open()
    try:
        assert store.recoveries == []  # the next start is a normal one
    finally:
        store.close()


SESSION_DAMAGE = {
    **DAMAGE,
    "not-a-document": write_bytes(json.dumps({**STAMP, "notes": {"1": "text"}}).encode()),
    "bad-doc-id": write_bytes(json.dumps({**STAMP, "notes": {"one": {"text": "x"}}}).encode()),
    "no-session-doc": write_bytes(json.dumps({**STAMP, "notes": {"1": {"text": "orphan"}}}).encode()),
    "another-session": write_bytes(json.dumps({**STAMP, "session": {"1": session("s9")}}).encode()),
}


@pytest.mark.parametrize("damage", list(SESSION_DAMAGE))
def test_damaged_session_file_comes_back_from_the_version_before_its_last_write(folder_with_history, damage):
    f = folder_with_history
    SESSION_DAMAGE[damage](f.session)
    store = f.open()
    try:
        doc = store.load_session("s1")
        assert doc is not None and doc["team"] == "Hjemmeplejen Nord"
        # Five notes were written 10 s apart; only the last one is lost (not the whole minute).
        assert [n["text"] for n in store.all("s1", "notes")] == [f"note {i}" for i in range(4)]
        recs = [r for r in store.recoveries if r.path == f.session]
        assert len(recs) == 1 and len(store.recoveries) == 1, store.recoveries
        rec = recs[0]
        assert rec.backup_used == f.session + ".bak0" and rec.previous and rec.reason
        assert os.path.lexists(rec.moved_to)
        assert [e["id"] for e in store.list_sessions()] == ["s1"]
        store.insert("s1", "notes", {"text": "after"})  # and it goes on
    finally:
        store.close()
    store = f.open()
    try:
        assert store.recoveries == []
        assert len(store.all("s1", "notes")) == 5
    finally:
        store.close()


@pytest.mark.parametrize("which", ["kiosk", "session"])
def test_a_file_that_cannot_be_read_is_damage_too(folder_with_history, monkeypatch, which):
    """chmod 000 does not stop root (the tests' user), so the refusal is played at os.open."""
    f = folder_with_history
    path = f.kiosk if which == "kiosk" else f.session
    os.utime(path)  # newer than kiosk.json: the start-up check opens it
    real_open = os.open

    def refuse(p, flags, *a, **k):
        if os.fspath(p) == path and not flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), p)
        return real_open(p, flags, *a, **k)
    monkeypatch.setattr(os, "open", refuse)
    store = f.open()
    try:
        assert store.load_session("s1")["team"] == "Hjemmeplejen Nord"
        assert [r.path for r in store.recoveries] == [path]
        assert "cannot be read" in store.recoveries[0].reason
    finally:
        store.close()


def test_a_busy_system_is_an_error_not_damage(folder_with_history, monkeypatch):
    """Too many open files says nothing about the file: never set a good file aside for it."""
    f = folder_with_history
    real_open = os.open

    def busy(p, flags, *a, **k):
        if os.fspath(p) == f.kiosk:
            raise OSError(errno.EMFILE, os.strerror(errno.EMFILE), p)
        return real_open(p, flags, *a, **k)
    monkeypatch.setattr(os, "open", busy)
    with pytest.raises(StoreError) as err:
        f.open()
    assert err.value.kind == "io"
    monkeypatch.undo()
    assert not [n for n in os.listdir(f.dir) if ".corrupt-" in n]
    with f.open() as store:
        assert store.recoveries == [] and store.get_state("settings")["chime"] is True


@pytest.mark.parametrize("which", ["kiosk", "session"])
def test_a_file_from_a_newer_kiosk_is_refused_and_left_untouched(folder_with_history, which):
    f = folder_with_history
    path = f.kiosk if which == "kiosk" else f.session
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    data["_meta"]["1"]["schema_version"] = migrations.SCHEMA_VERSION + 1
    data.pop("session", None)  # a newer format may keep things elsewhere: not ours to judge
    raw = json.dumps(data).encode()
    with open(path, "wb") as fh:
        fh.write(raw)
    before = sorted(os.listdir(os.path.dirname(path)))
    if which == "kiosk":
        with pytest.raises(StoreError) as err:
            f.open()
    else:
        store = f.open()
        try:
            with pytest.raises(StoreError) as err:
                store.load_session("s1")
        finally:
            store.close()
    assert err.value.kind == "schema" and "newer version" in str(err.value)
    assert open(path, "rb").read() == raw
    assert sorted(os.listdir(os.path.dirname(path))) == before


def test_all_copies_damaged_says_the_data_is_lost_once(folder_with_history):
    f = folder_with_history
    for name in os.listdir(f.dir / "sessions"):
        if name.startswith("s1.json"):
            write_bytes(b"{}")(str(f.dir / "sessions" / name))
    store = f.open()
    try:
        assert store.load_session("s1") is None
        rec = [r for r in store.recoveries if r.path == f.session]
        assert len(rec) == 1 and rec[0].lost and os.path.exists(rec[0].moved_to)
        assert store.list_sessions() == []
    finally:
        store.close()
    store = f.open()  # the damaged backups were set aside: no second report at the next start
    try:
        assert store.recoveries == []
    finally:
        store.close()


def test_a_new_data_folder_and_an_emptied_index_are_not_damage(tmp_path):
    """No kiosk.json yet is a new kiosk; an index emptied by deleting the last session is kept."""
    data = tmp_path / "data"
    with Store(data) as store:
        assert store.recoveries == []
        store.save_session(session("s1"))
        store.delete_session("s1")
    with open(data / "kiosk.json", encoding="utf-8") as fh:
        assert json.load(fh)["sessions"] == {}
    with Store(data) as store:
        assert store.recoveries == [] and store.list_sessions() == []


def test_an_empty_kiosk_json_never_pushes_the_good_copies_out(folder_with_history):
    """The issue's case: kiosk.json emptied while off, then a workshop of writes for minutes."""
    f = folder_with_history
    write_bytes(b"{}")(f.kiosk)
    store = f.open()
    try:
        assert store.get_state("settings")["lang"] == "da"
        for i in range(10):
            f.clock.advance(61)  # every write may rotate
            store.set_state("tick", i)
        found = backups_are_all_good(f.kiosk)
        assert found == ["kiosk.json.bak0", "kiosk.json.bak1", "kiosk.json.bak2", "kiosk.json.bak3"]
    finally:
        store.close()


@pytest.mark.parametrize("damage", ["empty-object", "stamp-only", "truncated", "folder"])
def test_a_file_damaged_while_the_kiosk_runs_is_set_aside_not_made_a_backup(folder_with_history, damage):
    f = folder_with_history
    store = f.open()
    try:
        store.load_session("s1")
        good = open(f.session + ".bak0", "rb").read()
        DAMAGE[damage](f.session)  # behind the store's back
        f.clock.advance(61)
        store.insert("s1", "notes", {"text": "written over it"})
        backups_are_all_good(f.session)
        assert open(f.session + ".bak0", "rb").read() == good  # the damaged file did not take its place
        assert [n for n in os.listdir(f.dir / "sessions") if n.startswith("s1.json.corrupt-")]
        with open(f.session, encoding="utf-8") as fh:
            assert len(json.load(fh)["notes"]) == 6
    finally:
        store.close()
    with f.open() as store:
        assert store.recoveries == [] and len(store.all("s1", "notes")) == 6


def test_the_backup_that_went_back_is_named_with_its_time(folder_with_history):
    """.bak0 gone too: the minute-old .bak1 comes back, and the recovery says it is older."""
    f = folder_with_history
    truncate(f.session)
    os.unlink(f.session + ".bak0")
    store = f.open()
    try:
        store.load_session("s1")
        rec = store.recoveries[0]
        assert rec.backup_used == f.session + ".bak1" and not rec.previous
        assert rec.saved_at == os.stat(f.session + ".bak1").st_mtime
        assert "may be missing" in rec.message
        assert store.all("s1", "notes") == []  # bak1 is from the session's first write
    finally:
        store.close()


def test_the_banner_says_what_went_back(folder_with_history):
    """The words on the screen: the version before the last save loses only that change;
    an older backup names its time (and its day, when it is not today)."""
    import time

    from kiosk import i18n
    from kiosk.store import Recovery
    from kiosk.ui import messages

    f = folder_with_history
    truncate(f.session)
    with f.open() as store:
        store.load_session("s1")
        rec = store.recoveries[0]
    try:
        i18n.set_language("en")
        text = messages.recovery(rec)
        assert "s1.json" in text and "only the last change was lost" in text
        assert time.strftime("%H:%M", time.localtime(rec.saved_at)) in text
        older = Recovery(f.session, f.session + ".bak2", rec.moved_to, saved_at=time.time() - 3 * 86400)
        text = messages.recovery(older)
        assert time.strftime("%Y-%m-%d %H:%M", time.localtime(older.saved_at)) in text
        assert "changes made after that are missing" in text
        i18n.set_language("da")
        assert "kun den sidste ændring gik tabt" in messages.recovery(rec)
        i18n.set_language("nb")
        assert "bare den siste endringen gikk tapt" in messages.recovery(rec)
    finally:
        i18n.set_language(i18n.DEFAULT)
