"""Store: the app's one door to persistence. Real TinyDB and real files in tmp_path."""

from __future__ import annotations

import errno
import json
import os
import threading

import pytest

from kiosk.store import Store, StoreError, migrations


def reopen(store: Store, **kw) -> Store:
    store.close()
    return Store(store.data_dir, clock=store.clock, **kw)


def session(sid="s1", **kw) -> dict:
    doc = {"id": sid, "team": "Hjemmeplejen Nord", "method_id": "trivselsdialog",
           "method_title": "Trivselsdialog", "status": "running", "step_index": 0,
           "timers": {"welcome": {"started_at": 1.0, "pauses": []}}}
    doc.update(kw)
    return doc


def kiosk_json(store: Store) -> str:
    return os.path.join(store.data_dir, "kiosk.json")


def session_json(store: Store, sid: str) -> str:
    return os.path.join(store.sessions_dir, f"{sid}.json")


def count_replaces(monkeypatch) -> list[str]:
    """Spy (not a fake) on os.replace: every atomic file write ends with one."""
    seen: list[str] = []
    real = os.replace

    def spy(src, dst, *a, **k):
        seen.append(os.path.basename(dst))
        return real(src, dst, *a, **k)
    monkeypatch.setattr(os, "replace", spy)
    return seen


# -- sessions -----------------------------------------------------------------------

def test_session_round_trip_across_a_restart(store):
    store.save_session(session(note="Æble, øl og å"))
    store = reopen(store)
    try:
        doc = store.load_session("s1")
        assert doc["note"] == "Æble, øl og å" and doc["timers"]["welcome"]["started_at"] == 1.0
    finally:
        store.close()


def test_load_session_returns_a_deep_copy(store):
    store.save_session(session())
    doc = store.load_session("s1")
    doc["timers"]["welcome"]["pauses"].append(99)
    doc["team"] = "changed"
    assert store.load_session("s1") == {**session(), "created_at": store.clock.now()}


def test_saved_doc_is_not_shared_with_the_caller(store):
    doc = session()
    store.save_session(doc)
    doc["timers"]["welcome"]["pauses"].append(5)
    assert store.load_session("s1")["timers"]["welcome"]["pauses"] == []


def test_values_are_stored_as_a_restart_would_read_them(store):
    store.save_session(session(pair=(1, 2), by_number={3: "x"}))
    doc = store.load_session("s1")
    assert doc["pair"] == [1, 2] and doc["by_number"] == {"3": "x"}
    store = reopen(store)
    try:
        assert store.load_session("s1") == doc
    finally:
        store.close()


def test_unknown_session_is_none_and_creates_nothing(store):
    assert store.load_session("nope") is None
    assert store.get("nope", "notes", 1) is None and store.all("nope", "notes") == []
    assert os.listdir(store.sessions_dir) == []


def test_created_at_is_kept_from_the_first_save(store, clock):
    doc = session()
    store.save_session(doc)
    first = clock.now()
    clock.advance(300)
    store.save_session({**doc, "step_index": 1})
    assert store.load_session("s1")["created_at"] == first
    assert store.list_sessions()[0]["created_at"] == first


def test_list_sessions_gives_index_fields_newest_first(store, clock):
    for sid in ("a", "b", "c"):
        store.save_session(session(sid, team=f"team {sid}"))
        clock.advance(10)
    listed = store.list_sessions()
    assert [e["id"] for e in listed] == ["c", "b", "a"]
    assert set(listed[0]) == {"id", "team", "method_id", "method_title", "created_at", "status"}
    listed[0]["team"] = "mutated"
    assert store.list_sessions()[0]["team"] == "team c"


def test_delete_session_removes_files_backups_and_index(store):
    store = reopen(store, backup_interval=0)
    try:
        store.save_session(session("gone"))
        store.insert("gone", "notes", {"text": "private"})
        store.save_session(session("kept"))
        assert any(f.startswith("gone.json.bak") for f in os.listdir(store.sessions_dir))
        store.delete_session("gone")
        store.delete_session("gone")  # idempotent
        assert sorted(os.listdir(store.sessions_dir)) == ["kept.json"]
        assert [e["id"] for e in store.list_sessions()] == ["kept"]
        assert store.load_session("gone") is None
        store = reopen(store)
        assert [e["id"] for e in store.list_sessions()] == ["kept"]  # not brought back
    finally:
        store.close()


# -- the index: touched only when a listed field changes -------------------------------

def test_timer_tap_is_one_session_file_write(store, monkeypatch):
    store.save_session(session())
    before = os.stat(kiosk_json(store))
    writes = count_replaces(monkeypatch)
    store.save_session(session(timers={"welcome": {"started_at": 1.0, "pauses": [[5.0, 9.0]]}}))
    assert writes == ["s1.json"]
    after = os.stat(kiosk_json(store))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_index_is_rewritten_when_a_listed_field_changes(store, monkeypatch):
    store.save_session(session())
    writes = count_replaces(monkeypatch)
    store.save_session(session(status="finished"))
    assert writes == ["s1.json", "kiosk.json"]  # the session file first, then the index
    assert store.list_sessions()[0]["status"] == "finished"


def test_saving_an_unchanged_session_writes_nothing(store, monkeypatch):
    store.save_session(session())
    writes = count_replaces(monkeypatch)
    store.save_session(session())
    assert writes == []


def test_a_tap_touches_only_its_own_session_file(store):
    for sid in ("old1", "old2", "now"):
        store.save_session(session(sid))
    stats = {sid: os.stat(session_json(store, sid)) for sid in ("old1", "old2")}
    store.insert("now", "notes", {"text": "ny"})
    for sid, st in stats.items():
        again = os.stat(session_json(store, sid))
        assert (again.st_ino, again.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)


# -- kiosk state ----------------------------------------------------------------------

def test_state_round_trip_and_default(store):
    assert store.get_state("active_session", "none") == "none"
    store.set_state("active_session", "s1")
    store.set_state("settings", {"lang": "da", "stages": ["aftalt", "i mål"]})
    store.set_state("active_session", None)
    store = reopen(store)
    try:
        assert store.get_state("active_session", "dflt") is None
        assert store.get_state("settings")["stages"] == ["aftalt", "i mål"]
    finally:
        store.close()


def test_state_get_returns_a_copy(store):
    store.set_state("settings", {"stages": ["a"]})
    store.get_state("settings")["stages"].append("b")
    assert store.get_state("settings") == {"stages": ["a"]}


# -- generic per-session tables ---------------------------------------------------------

def test_generic_tables_round_trip(store):
    store.save_session(session())
    a = store.insert("s1", "notes", {"text": "Godt", "colour": "yellow", "doc_id": 777})
    b = store.insert("s1", "notes", {"text": "Mindre godt", "colour": "yellow"})
    store.update("s1", "notes", b, {"column": "change", "doc_id": 1})
    store.insert("s1", "votes", {"note": b, "voter": 1})
    assert store.get("s1", "notes", a) == {"text": "Godt", "colour": "yellow", "doc_id": a}
    assert [n["doc_id"] for n in store.all("s1", "notes")] == [a, b]
    store.remove("s1", "notes", a)
    store.remove("s1", "notes", a)  # a double tap is harmless
    store = reopen(store)
    try:
        assert store.all("s1", "notes") == [{"text": "Mindre godt", "colour": "yellow",
                                             "column": "change", "doc_id": b}]
        assert store.all("s1", "votes") == [{"note": b, "voter": 1, "doc_id": 1}]
        assert store.get("s1", "notes", a) is None
    finally:
        store.close()


def test_generic_reads_are_copies(store):
    store.save_session(session())
    n = store.insert("s1", "notes", {"tags": ["x"]})
    store.get("s1", "notes", n)["tags"].append("y")
    store.all("s1", "notes")[0]["tags"].append("z")
    assert store.get("s1", "notes", n)["tags"] == ["x"]


def test_update_with_same_values_writes_nothing(store, monkeypatch):
    store.save_session(session())
    n = store.insert("s1", "notes", {"text": "a", "x": 1})
    writes = count_replaces(monkeypatch)
    store.update("s1", "notes", n, {"x": 1})
    assert writes == []
    store.update("s1", "notes", n, {"x": 2})
    assert writes == ["s1.json"]


def test_missing_session_or_document_is_a_clear_error(store):
    with pytest.raises(StoreError) as err:
        store.insert("ghost", "notes", {"text": "x"})
    assert err.value.kind == "missing" and "ghost" in str(err.value)
    store.save_session(session())
    with pytest.raises(StoreError) as err:
        store.update("s1", "notes", 5, {"text": "x"})
    assert err.value.kind == "missing"


@pytest.mark.parametrize("bad", ["", "../etc", "a/b", "a.b", "..", "x" * 65, "tæt", " x",
                                 "x\n", "x\x00", None, 7, "a b"])
def test_session_ids_are_validated(store, bad):
    with pytest.raises(StoreError) as err:
        store.save_session(session(bad))
    assert err.value.kind == "invalid"
    for call in (lambda: store.load_session(bad), lambda: store.delete_session(bad),
                 lambda: store.insert(bad, "notes", {}), lambda: store.all(bad, "notes")):
        with pytest.raises(StoreError):
            call()
    assert os.listdir(store.sessions_dir) == []


def test_longest_valid_id_is_accepted(store):
    sid = "A-z_9" + "x" * 59
    store.save_session(session(sid))
    assert store.load_session(sid)["id"] == sid


@pytest.mark.parametrize("bad", ["session", "_meta", "", "../x", "a.b", "1notes", None])
def test_table_names_are_validated(store, bad):
    store.save_session(session())
    with pytest.raises(StoreError) as err:
        store.insert("s1", bad, {"text": "x"})
    assert err.value.kind == "invalid"


@pytest.mark.parametrize("bad_id", [0, -1, "1", 1.0, True, None])
def test_doc_ids_are_validated(store, bad_id):
    store.save_session(session())
    with pytest.raises(StoreError) as err:
        store.update("s1", "notes", bad_id, {"x": 1})
    assert err.value.kind == "invalid"


def test_non_json_values_are_refused_before_anything_changes(store, monkeypatch):
    store.save_session(session())
    writes = count_replaces(monkeypatch)
    with pytest.raises(StoreError) as err:
        store.insert("s1", "notes", {"when": object()})
    with pytest.raises(StoreError):
        store.save_session(session(tags={"a", "b"}))
    assert err.value.kind == "invalid" and writes == []
    assert store.all("s1", "notes") == []


# -- batches --------------------------------------------------------------------------

def test_batch_is_one_file_write(store, monkeypatch):
    store.save_session(session())
    writes = count_replaces(monkeypatch)
    with store.batch("s1"):
        ids = [store.insert("s1", "notes", {"i": i}) for i in range(20)]
        store.update("s1", "notes", ids[0], {"cluster": "A"})
        store.remove("s1", "notes", ids[1])
        store.save_session(session(step_index=3))
        assert writes == []
    assert writes == ["s1.json"]  # no listed field changed: the index is untouched
    assert len(store.all("s1", "notes")) == 19
    with open(session_json(store, "s1"), encoding="utf-8") as fh:
        assert len(json.load(fh)["notes"]) == 19


def test_batch_can_create_a_session_and_writes_its_index_after_the_file(store, monkeypatch):
    writes = count_replaces(monkeypatch)
    with store.batch("new"):
        store.save_session(session("new"))
        store.insert("new", "notes", {"text": "first"})
    assert writes == ["new.json", "kiosk.json"]
    assert [e["id"] for e in store.list_sessions()] == ["new"]


def test_batch_rolls_back_on_exception(store, monkeypatch):
    store.save_session(session())
    keep = store.insert("s1", "notes", {"text": "keep", "tags": ["a"]})
    raw_before = open(session_json(store, "s1"), "rb").read()
    index_before = store.list_sessions()
    writes = count_replaces(monkeypatch)
    with pytest.raises(RuntimeError):
        with store.batch("s1"):
            store.insert("s1", "notes", {"text": "lost"})
            store.update("s1", "notes", keep, {"text": "changed"})
            store.save_session(session(status="finished", team="Other"))
            raise RuntimeError("the gesture was cancelled")
    assert writes == []
    assert open(session_json(store, "s1"), "rb").read() == raw_before
    assert store.all("s1", "notes") == [{"text": "keep", "tags": ["a"], "doc_id": keep}]
    assert store.load_session("s1")["status"] == "running"
    assert store.list_sessions() == index_before
    store.insert("s1", "notes", {"text": "after"})  # and the store goes on normally
    assert [n["text"] for n in store.all("s1", "notes")] == ["keep", "after"]


def test_nested_batches_write_once_at_the_outer_end(store, monkeypatch):
    store.save_session(session())
    writes = count_replaces(monkeypatch)
    with store.batch("s1"):
        store.insert("s1", "notes", {"i": 1})
        with pytest.raises(ValueError):
            with store.batch("s1"):
                store.insert("s1", "notes", {"i": 2})
                raise ValueError
        with store.batch("s1"):
            store.insert("s1", "notes", {"i": 3})
        assert writes == []
    assert writes == ["s1.json"]
    assert [n["i"] for n in store.all("s1", "notes")] == [1, 3]


def test_batch_that_cannot_be_written_leaves_memory_as_on_disk(store, monkeypatch):
    store.save_session(session())
    store.insert("s1", "notes", {"i": 0})

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(StoreError) as err:
        with store.batch("s1"):
            store.insert("s1", "notes", {"i": 1})
            store.save_session(session(status="finished"))
            monkeypatch.setattr(os, "write", full)
    monkeypatch.undo()
    assert err.value.kind == "full" and session_json(store, "s1") in str(err.value)
    assert [n["i"] for n in store.all("s1", "notes")] == [0]
    assert store.list_sessions()[0]["status"] == "running"


# -- failures ----------------------------------------------------------------------------

def test_full_disk_raises_and_keeps_memory_equal_to_disk(store, monkeypatch):
    store.save_session(session())
    n = store.insert("s1", "notes", {"text": "saved"})

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreError) as err:
        store.update("s1", "notes", n, {"text": "not saved"})
    assert err.value.kind == "full"
    assert "disk is full" in str(err.value) and session_json(store, "s1") in str(err.value)
    monkeypatch.undo()
    assert store.get("s1", "notes", n)["text"] == "saved"
    store = reopen(store)
    try:
        assert store.get("s1", "notes", n)["text"] == "saved"
    finally:
        store.close()


def test_failed_index_write_is_repaired_now_and_after_a_restart(store, monkeypatch):
    store.save_session(session())
    real_replace = os.replace

    def kiosk_full(src, dst, *a, **k):
        if str(dst).endswith("kiosk.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *a, **k)
    # The disk fills up between the session write and the index write.
    monkeypatch.setattr(os, "replace", kiosk_full)
    # The session itself is saved, so save_session reports success (callers
    # treat an error as "nothing changed"); the derived index catches up later.
    store.save_session(session(status="finished"))
    assert store.load_session("s1")["status"] == "finished"   # the session file has it
    assert store.list_sessions()[0]["status"] == "finished"   # and the list says so
    monkeypatch.undo()
    store.set_state("unrelated", 1)  # the next kiosk.json write folds the fix in
    with open(kiosk_json(store), encoding="utf-8") as fh:
        assert [e["status"] for e in json.load(fh)["sessions"].values()] == ["finished"]
    store = reopen(store)
    try:
        assert store.list_sessions()[0]["status"] == "finished"
    finally:
        store.close()


def test_index_write_failure_survives_a_restart_without_further_writes(store, monkeypatch):
    store.save_session(session())
    real_replace = os.replace

    def kiosk_full(src, dst, *a, **k):
        if str(dst).endswith("kiosk.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *a, **k)
    monkeypatch.setattr(os, "replace", kiosk_full)
    store.save_session(session(status="finished"))
    monkeypatch.undo()
    store = reopen(store)  # the session file is newer than kiosk.json: checked at open
    try:
        assert store.list_sessions()[0]["status"] == "finished"
    finally:
        store.close()


def test_index_is_rebuilt_from_session_files_after_a_crash(store, clock):
    store.save_session(session("a"))
    store.save_session(session("b"))
    path = kiosk_json(store)
    old_index = open(path, "rb").read()
    store.save_session(session("a", status="finished"))
    store.save_session(session("c"))
    store.close()
    # Put back the old index, as a crash right after the session writes would leave it.
    with open(path, "wb") as fh:
        fh.write(old_index)
    os.utime(path, ns=(1, 1))
    store = Store(store.data_dir, clock=clock)
    try:
        listed = {e["id"]: e["status"] for e in store.list_sessions()}
        assert listed == {"a": "finished", "b": "running", "c": "running"}
    finally:
        store.close()


def test_index_entry_without_a_session_file_is_dropped(store):
    store.save_session(session("a"))
    store.save_session(session("b"))
    store.close()
    os.unlink(os.path.join(store.sessions_dir, "b.json"))
    store = Store(store.data_dir)
    try:
        assert [e["id"] for e in store.list_sessions()] == ["a"]
    finally:
        store.close()


def test_corrupt_kiosk_json_is_recovered_and_index_rebuilt(tmp_path, clock):
    data = tmp_path / "data"
    store = Store(data, clock=clock, backup_interval=0)
    store.set_state("active_session", "s1")
    store.save_session(session("s1"))
    store.save_session(session("s2"))   # bak1 of kiosk.json does not list s2
    store.close()
    (data / "kiosk.json").write_bytes(b'{"state": {"1": {"key": "act')
    store = Store(data, clock=clock)
    try:
        assert len(store.recoveries) == 1
        rec = store.recoveries[0]
        assert rec.path == str(data / "kiosk.json") and rec.backup_used and rec.moved_to
        assert store.get_state("active_session") == "s1"
        assert {e["id"] for e in store.list_sessions()} == {"s1", "s2"}
    finally:
        store.close()


def _age(path, seconds_ago=3600):
    """Make a file look untouched for a while (mtime granularity is coarse on ext4)."""
    t = os.stat(path).st_mtime_ns - int(seconds_ago * 1e9)
    os.utime(path, ns=(t, t))


def test_session_files_are_opened_lazily(store, monkeypatch):
    for i in range(5):
        store.save_session(session(f"s{i}"))
        store.insert(f"s{i}", "notes", {"i": i})
    store.close()
    for i in range(5):
        _age(session_json(store, f"s{i}"))
    reads: list[str] = []
    real_open = os.open

    def spy(f, flags, *a, **k):  # a file opened for reading only is a file read
        if not flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            reads.append(os.path.basename(f))
        return real_open(f, flags, *a, **k)
    monkeypatch.setattr(os, "open", spy)
    store = Store(store.data_dir)
    try:
        assert "kiosk.json" in reads and not [r for r in reads if r.startswith("s")]
        assert len(store.list_sessions()) == 5 and not [r for r in reads if r.startswith("s")]
        assert store.all("s3", "notes")[0]["i"] == 3
        assert store.all("s3", "notes")[0]["i"] == 3
        assert [r for r in reads if r.startswith("s")] == ["s3.json"]
    finally:
        store.close()


def test_corrupt_session_file_is_recovered_when_first_opened(store):
    store = reopen(store, backup_interval=0)
    try:
        store.save_session(session())
        store.insert("s1", "notes", {"text": "one"})
        store.insert("s1", "notes", {"text": "two"})
        store.close()
        with open(session_json(store, "s1"), "r+b") as fh:
            fh.truncate(20)
        _age(session_json(store, "s1"))
        store = Store(store.data_dir)
        assert store.recoveries == []  # lazy: nothing opened yet
        assert [n["text"] for n in store.all("s1", "notes")] == ["one"]
        assert len(store.recoveries) == 1
        rec = store.recoveries[0]
        assert rec.backup_used.endswith("s1.json.bak0") and os.path.exists(rec.moved_to)
    finally:
        store.close()


# -- the folder: lock, read-only, schema -------------------------------------------------

def test_second_store_on_the_same_folder_is_refused(store):
    with pytest.raises(StoreError) as err:
        Store(store.data_dir)
    assert err.value.kind == "locked" and store.data_dir in str(err.value)
    store.close()
    store.close()  # idempotent
    again = Store(store.data_dir)  # the lock goes with close()
    again.close()


def test_closed_store_refuses_calls(store):
    store.close()
    with pytest.raises(StoreError) as err:
        store.get_state("x")
    assert err.value.kind == "closed"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod; see the monkeypatched test")
def test_read_only_folder_is_a_clear_error(tmp_path):
    data = tmp_path / "data"
    Store(data).close()
    os.chmod(data, 0o555)
    try:
        with pytest.raises(StoreError) as err:
            Store(data)
        assert err.value.kind == "readonly" and str(data) in str(err.value)
    finally:
        os.chmod(data, 0o755)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_read_only_folder_is_a_clear_error_even_for_root(tmp_path, monkeypatch, code):
    data = tmp_path / "data"
    Store(data).close()
    real_open = os.open

    def refuse_writes(path, flags, *a, **k):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(code, os.strerror(code), path)
        return real_open(path, flags, *a, **k)
    monkeypatch.setattr(os, "open", refuse_writes)
    with pytest.raises(StoreError) as err:
        Store(data)
    assert err.value.kind == "readonly"
    assert f"data folder {data}" in str(err.value) and "cannot be written" in str(err.value)


def test_newer_schema_is_refused_without_touching_files(tmp_path):
    data = tmp_path / "data"
    Store(data).close()
    future = {"_meta": {"1": {"schema_version": migrations.SCHEMA_VERSION + 5}}, "state": {}}
    (data / "kiosk.json").write_text(json.dumps(future))
    before = sorted(os.listdir(data))
    with pytest.raises(StoreError) as err:
        Store(data)
    assert err.value.kind == "schema" and "newer version" in str(err.value)
    assert json.loads((data / "kiosk.json").read_text()) == future
    assert sorted(os.listdir(data)) == before
    (data / "kiosk.json").unlink()
    Store(data).close()  # the refusal released the lock


def test_newer_schema_in_a_session_file_is_refused_when_used(store):
    store.save_session(session("s1"))
    store.save_session(session("s2"))
    store.close()
    path = session_json(store, "s1")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    data["_meta"]["1"]["schema_version"] = migrations.SCHEMA_VERSION + 1
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    store = Store(store.data_dir)  # one such session does not stop the kiosk
    try:
        assert store.load_session("s2")["id"] == "s2"
        with pytest.raises(StoreError) as err:
            store.load_session("s1")
        assert err.value.kind == "schema" and path in str(err.value)
        with open(path, encoding="utf-8") as fh:
            assert json.load(fh) == data
    finally:
        store.close()


def test_new_files_carry_the_schema_version(store):
    store.save_session(session())
    for path in (kiosk_json(store), session_json(store, "s1")):
        with open(path, encoding="utf-8") as fh:
            assert migrations.version_of(json.load(fh)) == migrations.SCHEMA_VERSION


def test_leftover_temporary_files_anywhere_are_swept(store):
    store.save_session(session())
    store.close()
    for name in ("kiosk.json.123.tmp", "sessions/s1.json.123.tmp", "sessions/never-opened.json.9.tmp"):
        with open(os.path.join(store.data_dir, name), "w") as fh:
            fh.write("half")
    store = Store(store.data_dir)
    try:
        leftovers = [f for _, _, fs in os.walk(store.data_dir) for f in fs if f.endswith(".tmp")]
        assert leftovers == []
    finally:
        store.close()


# -- threads ---------------------------------------------------------------------------

def test_concurrent_writers_and_readers_lose_nothing(store):
    store.save_session(session())
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(25):
                store.insert("s1", "notes", {"writer": k, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(50):
                store.all("s1", "notes")
                store.list_sessions()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    notes = store.all("s1", "notes")
    assert sorted((n["writer"], n["i"]) for n in notes) == [(k, i) for k in range(3) for i in range(25)]
    assert len({n["doc_id"] for n in notes}) == 75


def test_delete_reports_success_even_if_only_the_index_write_fails(store, monkeypatch):
    store.save_session(session("a"))
    store.save_session(session("b"))
    real_replace = os.replace

    def kiosk_full(src, dst, *a, **k):
        if str(dst).endswith("kiosk.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *a, **k)
    monkeypatch.setattr(os, "replace", kiosk_full)
    store.delete_session("a")  # the files are gone: that is what the caller asked for
    assert [e["id"] for e in store.list_sessions()] == ["b"]
    monkeypatch.undo()
    store = reopen(store)
    try:
        assert [e["id"] for e in store.list_sessions()] == ["b"]
    finally:
        store.close()
