"""SafeJSONStorage: TinyDB semantics, atomic writes, backups, recovery, failed writes.

Real TinyDB, real files in tmp_path. The only fakes are OSErrors injected into
os.write / os.fsync / os.replace, to play a full or read-only disk.
"""

from __future__ import annotations

import errno
import json
import os

import pytest
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

from kiosk.clock import FakeClock
from kiosk.store import migrations
from kiosk.store.storage import Recovery, SafeJSONStorage, StoreError


def open_db(path, **kw) -> TinyDB:
    kw.setdefault("clock", FakeClock())
    return TinyDB(path, storage=SafeJSONStorage, **kw)


def on_disk(path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def files(folder) -> list[str]:
    return sorted(os.listdir(folder))


# -- the same behaviour as TinyDB's reference storage (like TinyDB's conftest) --

@pytest.fixture(params=["memory", "safe-json"])
def db(request, tmp_path):
    if request.param == "memory":
        database = TinyDB(storage=MemoryStorage)
    else:
        database = open_db(tmp_path / "db.json")
    yield database
    database.close()


def test_tinydb_operations_behave_as_with_memory_storage(db):
    table = db.table("notes")
    a = table.insert({"text": "Godt samarbejde", "votes": 0})
    b = table.insert({"text": "For mange møder", "votes": 0})
    table.update({"votes": 2}, doc_ids=[b])
    table.insert_multiple([{"text": "x", "votes": 1}, {"text": "y", "votes": 5}])
    assert [d["text"] for d in table.search(Query().votes >= 2)] == ["For mange møder", "y"]
    table.remove(doc_ids=[a])
    assert table.get(doc_id=a) is None
    assert len(table) == 3
    db.drop_table("notes")
    assert db.tables() == set()


def test_empty_storage_reads_as_empty(db):
    assert db.table("notes").all() == []
    assert db.tables() == set()


# -- files on disk ------------------------------------------------------------------

def test_round_trip_keeps_unicode_readable_in_the_file(tmp_path):
    path = tmp_path / "db.json"
    with open_db(path) as db:
        db.table("notes").insert({"text": "Æ ø å — 'quoted' <script>"})
    raw = path.read_bytes().decode("utf-8")
    assert "Æ ø å" in raw  # ensure_ascii=False: a person can read the file
    with open_db(path) as db:
        assert db.table("notes").all() == [{"text": "Æ ø å — 'quoted' <script>"}]


def test_reads_come_from_memory_not_the_file(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    db = open_db(path)
    db.table("notes").insert({"text": "kept"})
    opens = []
    real_open, real_os_open = open, os.open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opens.append(a) or real_open(*a, **k))
    monkeypatch.setattr(os, "open", lambda *a, **k: opens.append(a) or real_os_open(*a, **k))
    path.write_bytes(b"")  # behind its back
    opens.clear()
    for _ in range(50):
        assert db.table("notes").all() == [{"text": "kept"}]
        assert db.table("notes").search(Query().text == "kept")
    assert opens == []


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path, backups=0)
    for i in range(10):
        db.table("notes").insert({"i": i})
    assert files(tmp_path) == ["db.json"]
    assert len(on_disk(path)["notes"]) == 10


def test_one_write_per_change(tmp_path):
    db = open_db(tmp_path / "db.json")
    before = db.storage.write_count
    db.table("notes").insert({"i": 1})
    db.table("notes").update({"i": 2}, doc_ids=[1])
    assert db.storage.write_count == before + 2


def test_leftover_temporary_files_are_removed_at_open(tmp_path):
    path = tmp_path / "db.json"
    with open_db(path) as db:
        db.table("notes").insert({"i": 1})
    (tmp_path / "db.json.4242.tmp").write_text('{"half":')
    (tmp_path / "db.json.bak1.4242.tmp").write_text("half a backup copy")
    (tmp_path / "other.json.4242.tmp").write_text("not ours")
    with open_db(path) as db:
        assert db.table("notes").all() == [{"i": 1}]
    assert "db.json.4242.tmp" not in files(tmp_path)
    assert "db.json.bak1.4242.tmp" not in files(tmp_path)
    assert "other.json.4242.tmp" in files(tmp_path)


# -- backups ------------------------------------------------------------------------

def test_backup_rotation_keeps_a_bounded_number_of_previous_states(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path, backups=3, backup_interval=0)
    for i in range(1, 21):
        db.table("t").insert({"i": i})
    assert files(tmp_path) == ["db.json", "db.json.bak0", "db.json.bak1", "db.json.bak2", "db.json.bak3"]
    # bak0 is the state before the last write; rotating at every write (interval 0),
    # bakN holds the state N writes ago: 19, 18 and 17 documents.
    assert [len(on_disk(tmp_path / f"db.json.bak{n}")["t"]) for n in (0, 1, 2, 3)] == [19, 19, 18, 17]


@pytest.mark.parametrize("count", [0, 1, 5])
def test_backup_count_is_configurable(tmp_path, count):
    db = open_db(tmp_path / "db.json", backups=count, backup_interval=0)
    for i in range(8):
        db.table("t").insert({"i": i})
    assert files(tmp_path) == ["db.json"] + [f"db.json.bak{n}" for n in range(0 if count else 1, count + 1)]


def test_backups_rotate_at_most_once_per_interval(tmp_path):
    clock = FakeClock()
    path = tmp_path / "db.json"
    db = open_db(path, backups=3, backup_interval=60, clock=clock)
    db.table("t").insert({"i": 0})          # first write: nothing to back up yet
    db.table("t").insert({"i": 1})          # rotates: bak1 = 1 document
    for i in range(2, 30):                  # a burst of taps within the minute
        db.table("t").insert({"i": i})
    assert files(tmp_path) == ["db.json", "db.json.bak0", "db.json.bak1"]
    assert len(on_disk(tmp_path / "db.json.bak1")["t"]) == 1
    assert len(on_disk(tmp_path / "db.json.bak0")["t"]) == 29  # but the last write is always kept
    clock.advance(61)
    db.table("t").insert({"i": 30})
    assert files(tmp_path) == ["db.json", "db.json.bak0", "db.json.bak1", "db.json.bak2"]
    assert len(on_disk(tmp_path / "db.json.bak1")["t"]) == 30


def test_backup_is_a_hard_link_not_a_copy(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path, backup_interval=0)
    db.table("t").insert({"i": 0})
    inode = os.stat(path).st_ino
    db.table("t").insert({"i": 1})
    assert os.stat(tmp_path / "db.json.bak1").st_ino == inode


def test_backup_falls_back_to_a_copy_without_hard_links(tmp_path, monkeypatch):
    def no_links(*_a, **_k):
        raise OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(os, "link", no_links)  # as on a FAT-formatted USB stick
    path = tmp_path / "db.json"
    db = open_db(path, backup_interval=0)
    db.table("t").insert({"i": 0})
    db.table("t").insert({"i": 1})
    db.table("t").insert({"i": 2})
    assert on_disk(tmp_path / "db.json.bak1") == {"t": {"1": {"i": 0}, "2": {"i": 1}}}
    assert on_disk(tmp_path / "db.json.bak0") == {"t": {"1": {"i": 0}, "2": {"i": 1}}}
    assert on_disk(tmp_path / "db.json.bak2") == {"t": {"1": {"i": 0}}}
    assert files(tmp_path) == ["db.json", "db.json.bak0", "db.json.bak1", "db.json.bak2"]
    assert os.stat(tmp_path / "db.json.bak0").st_ino != os.stat(tmp_path / "db.json.bak1").st_ino


def test_rotation_fills_a_free_slot_before_dropping_the_oldest(tmp_path):
    """A backup set aside as damaged leaves a gap: the next rotation fills it, so the
    oldest good copy stays."""
    path = tmp_path / "db.json"
    db = open_db(path, backups=3, backup_interval=0)
    for i in range(5):
        db.table("t").insert({"i": i})
    oldest = on_disk(tmp_path / "db.json.bak3")
    os.unlink(tmp_path / "db.json.bak1")
    db.table("t").insert({"i": 5})
    assert on_disk(tmp_path / "db.json.bak3") == oldest
    assert len(on_disk(tmp_path / "db.json.bak1")["t"]) == 5


def test_a_state_the_validator_refuses_is_never_written(tmp_path):
    """The storage cannot make a file it would call damaged at the next open."""
    path = tmp_path / "db.json"
    db = open_db(path, validate=lambda data: None if data.get("session") else "holds no session")
    with pytest.raises(StoreError) as err:
        db.table("notes").insert({"text": "an orphan"})
    assert err.value.kind == "invalid" and "holds no session" in str(err.value)
    assert not path.exists() and db.storage.read() == {}
    db.table("session").insert({"id": "s1"})
    db.table("notes").insert({"text": "fine now"})
    assert set(on_disk(path)) == {"session", "notes"}


def test_a_previous_version_is_kept_at_every_write(tmp_path):
    """.bak0 is renewed at each write (a hard link, no copy), whatever the rotation interval."""
    path = tmp_path / "db.json"
    db = open_db(path, backup_interval=3600)
    for i in range(6):
        db.table("t").insert({"i": i})
        if i:
            assert len(on_disk(tmp_path / "db.json.bak0")["t"]) == i
    inode = os.stat(path).st_ino
    db.table("t").insert({"i": 6})
    assert os.stat(tmp_path / "db.json.bak0").st_ino == inode


# -- recovery at open ---------------------------------------------------------------

def _history(path, n=4, **kw):
    """Write n states (rotating every write) and return them, oldest first."""
    db = open_db(path, backups=3, backup_interval=0, **kw)
    states = []
    for i in range(n):
        db.table("t").insert({"i": i})
        states.append(on_disk(path))
    db.close()
    return states


@pytest.mark.parametrize("damage", [
    pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
    pytest.param(lambda raw: b"", id="empty"),
    pytest.param(lambda raw: b"\x00\xff\xfe garbage \x80", id="garbage-bytes"),
    pytest.param(lambda raw: b"\x00" * len(raw), id="zeroed"),
    pytest.param(lambda raw: b"[1, 2, 3]", id="not-a-dict"),
    pytest.param(lambda raw: b'{"t": [1, 2]}', id="table-not-a-dict"),
    pytest.param(lambda raw: raw.replace(b"}", b"\xc3"), id="bad-utf8"),
])
def test_damaged_file_is_kept_aside_and_newest_backup_used(tmp_path, damage):
    path = tmp_path / "db.json"
    states = _history(path)
    raw = path.read_bytes()
    path.write_bytes(damage(raw))
    db = open_db(path)
    rec = db.storage.recovery
    assert isinstance(rec, Recovery)
    assert rec.backup_used == str(path) + ".bak0" and rec.previous  # the version before the last write
    assert rec.saved_at == os.stat(rec.backup_used).st_mtime
    assert rec.moved_to and os.path.basename(rec.moved_to).startswith("db.json.corrupt-2027")
    assert open(rec.moved_to, "rb").read() == damage(raw)  # kept for inspection, byte for byte
    assert not rec.lost and "restored from the backup" in rec.message and "at most the last change" in rec.message
    assert db.storage.read() == states[-2]
    assert on_disk(path) == states[-2]  # the recovery is persisted, not just in memory
    db.close()
    assert open_db(path).storage.recovery is None  # and the next start is a normal one


def test_damaged_backups_are_skipped_for_an_older_good_one(tmp_path):
    path = tmp_path / "db.json"
    states = _history(path)
    path.write_bytes(b"{")
    os.unlink(tmp_path / "db.json.bak0")  # a hard link of bak1's inode here: damage it on its own
    (tmp_path / "db.json.bak0").write_bytes(b"")
    (tmp_path / "db.json.bak1").write_bytes(b"[")
    db = open_db(path)
    assert db.storage.recovery.backup_used == str(path) + ".bak2"
    assert not db.storage.recovery.previous
    assert db.storage.read() == states[-3]
    # The damaged backups left the rotation (kept for inspection), so they never take a slot.
    assert [f for f in files(tmp_path) if ".bak" in f and ".corrupt-" not in f] == ["db.json.bak2", "db.json.bak3"]
    assert len([f for f in files(tmp_path) if f.startswith("db.json.bak") and ".corrupt-" in f]) == 2


def test_no_good_copy_at_all_starts_empty_and_says_data_was_lost(tmp_path):
    path = tmp_path / "db.json"
    path.write_bytes(b'{"t": {"1": {"i"')
    db = open_db(path)
    rec = db.storage.recovery
    assert rec.lost and rec.backup_used is None and os.path.exists(rec.moved_to)
    assert "no good backup" in rec.message
    assert db.table("t").all() == []
    db.table("t").insert({"i": 1})  # and it is usable
    assert on_disk(path) == {"t": {"1": {"i": 1}}}


def test_missing_main_file_with_a_backup_uses_the_backup(tmp_path):
    path = tmp_path / "db.json"
    states = _history(path)
    os.unlink(path)  # as if a crash fell between two rotation steps
    db = open_db(path)
    rec = db.storage.recovery
    assert (rec.path, rec.backup_used, rec.moved_to) == (str(path), str(path) + ".bak0", None)
    assert "was missing" in db.storage.recovery.message
    assert db.storage.read() == states[-2]


def test_new_file_is_not_a_recovery(tmp_path):
    db = open_db(tmp_path / "db.json")
    assert db.storage.recovery is None
    assert files(tmp_path) == []  # nothing is written until there is something to keep


def test_corrupt_names_do_not_clash(tmp_path):
    path = tmp_path / "db.json"
    clock = FakeClock()
    for _ in range(2):
        path.write_bytes(b"nope")
        open_db(path, clock=clock).close()
    assert len([f for f in files(tmp_path) if ".corrupt-" in f]) == 2


# -- failed writes ------------------------------------------------------------------

def _fail(monkeypatch, name, code):
    def broken(*_a, **_k):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(os, name, broken)


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
@pytest.mark.parametrize("code,kind", [(errno.ENOSPC, "full"), (errno.EROFS, "readonly"),
                                       (errno.EACCES, "readonly"), (errno.EIO, "io")])
def test_failed_write_keeps_memory_equal_to_disk(tmp_path, monkeypatch, where, code, kind):
    path = tmp_path / "db.json"
    db = open_db(path, backups=2, backup_interval=0)
    notes = db.table("notes")
    notes.insert({"text": "first", "tags": ["a"]})
    saved = on_disk(path)
    with monkeypatch.context() as m:
        _fail(m, where, code)
        with pytest.raises(StoreError) as err:
            # TinyDB mutates the stored document in place before write():
            # exactly the case a kept reference would get wrong.
            notes.update({"text": "second"}, doc_ids=[1])
        with pytest.raises(StoreError):
            notes.insert({"text": "third"})
    assert err.value.kind == kind
    assert str(path) in str(err.value) and str(err.value).endswith(".")
    assert db.storage.read() == saved == on_disk(path)
    assert notes.all() == [{"text": "first", "tags": ["a"]}]
    assert not [f for f in files(tmp_path) if f.endswith(".tmp")]
    notes.update({"text": "again"}, doc_ids=[1])  # once the disk is back, it goes on
    assert on_disk(path)["notes"]["1"]["text"] == "again"


def test_non_json_value_is_refused_and_memory_restored(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path)
    db.table("t").insert({"ok": 1})
    with pytest.raises(StoreError) as err:
        db.table("t").insert({"bad": {1, 2}})
    assert err.value.kind == "invalid"
    assert db.storage.read() == on_disk(path) == {"t": {"1": {"ok": 1}}}


# -- batches ------------------------------------------------------------------------

def test_batch_writes_once_at_commit(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path)
    st = db.storage
    st.begin()
    for i in range(5):
        db.table("t").insert({"i": i})
    assert st.write_count == 0 and not path.exists()
    st.commit()
    assert st.write_count == 1 and len(on_disk(path)["t"]) == 5


def test_nested_batch_rollback_goes_back_to_its_own_start(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path)
    db.table("t").insert({"i": 0})
    st = db.storage
    st.begin()
    db.table("t").insert({"i": 1})
    st.begin()
    db.table("t").insert({"i": 2})
    st.rollback()
    assert [d["i"] for d in db.table("t").all()] == [0, 1]
    st.commit()
    assert [d["i"] for d in on_disk(path)["t"].values()] == [0, 1]


def test_batch_rollback_restores_the_persisted_state(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path)
    db.table("t").insert({"i": 0})
    st = db.storage
    st.begin()
    db.table("t").update({"i": 99}, doc_ids=[1])
    db.table("t").insert({"i": 1})
    st.rollback()
    assert st.read() == on_disk(path) == {"t": {"1": {"i": 0}}}
    assert st.write_count == 1


# -- migrations on open ---------------------------------------------------------------

def test_new_file_gets_the_current_schema_version(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path, on_load=migrations.migrate)
    db.table("t").insert({"i": 1})
    assert migrations.version_of(on_disk(path)) == migrations.SCHEMA_VERSION


def test_newer_schema_is_refused_and_the_file_left_alone(tmp_path):
    path = tmp_path / "db.json"
    raw = json.dumps({"_meta": {"1": {"schema_version": migrations.SCHEMA_VERSION + 1}},
                      "t": {"1": {"future": True}}}).encode()
    path.write_bytes(raw)
    with pytest.raises(StoreError) as err:
        open_db(path, on_load=migrations.migrate)
    assert err.value.kind == "schema" and "newer version" in str(err.value)
    assert path.read_bytes() == raw and files(tmp_path) == ["db.json"]


def test_migration_runs_once_and_keeps_the_old_file_as_backup(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    with open_db(path, on_load=migrations.migrate) as db:
        db.table("notes").insert({"txt": "old field name"})

    def rename_txt(data):
        for note in data.get("notes", {}).values():
            note["text"] = note.pop("txt")
        return data
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: rename_txt})
    with open_db(path, on_load=migrations.migrate) as db:
        assert db.table("notes").all() == [{"text": "old field name"}]
        assert db.storage.write_count == 1  # persisted at open
    assert migrations.version_of(on_disk(path)) == 2
    assert migrations.version_of(on_disk(str(path) + ".bak1")) == 1
    with open_db(path, on_load=migrations.migrate) as db:
        assert db.storage.write_count == 0  # nothing left to migrate


def test_missing_migration_step_is_a_schema_error(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    with open_db(path, on_load=migrations.migrate) as db:
        db.table("t").insert({"i": 1})
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: lambda d: d})
    with pytest.raises(StoreError) as err:
        open_db(path, on_load=migrations.migrate)
    assert err.value.kind == "schema" and "from data format 2 to 3" in str(err.value)


def test_disk_always_equals_memory_under_random_operations(tmp_path, monkeypatch):
    """Guards the per-table text reuse in _serialize and the restore paths together."""
    import random
    rng = random.Random(4)
    path = tmp_path / "db.json"
    db = open_db(path, backup_interval=0)
    st = db.storage
    real_replace = os.replace

    def sometimes_full(src, dst, *a, **k):
        if str(dst) == str(path) and rng.random() < 0.1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *a, **k)
    monkeypatch.setattr(os, "replace", sometimes_full)
    failures = 0
    for step in range(300):
        table = db.table(rng.choice(["notes", "votes", "actions"]))
        ids = [d.doc_id for d in table.all()]
        op = rng.random()
        try:
            if op < 0.1:
                st.begin()
                try:
                    table.insert({"step": step, "batch": True})
                    db.table("votes").insert({"step": step})
                    if rng.random() < 0.3:
                        raise KeyError("cancelled")
                except KeyError:
                    st.rollback()
                else:
                    st.commit()
            elif op < 0.45 or not ids:
                table.insert({"step": step, "tags": [step]})
            elif op < 0.8:
                table.update({"step": step, "nested": {"k": step}}, doc_ids=[rng.choice(ids)])
            elif op < 0.97:
                table.remove(doc_ids=[rng.choice(ids)])
            else:
                db.drop_table(table.name)
        except StoreError as exc:
            assert exc.kind == "full"
            failures += 1
        memory = st.read()
        if path.exists():
            assert path.read_text(encoding="utf-8") == json.dumps(memory, ensure_ascii=False,
                                                                  separators=(",", ":"))
    assert failures > 10
    monkeypatch.undo()
    db.close()
    assert open_db(path).storage.read() == memory
