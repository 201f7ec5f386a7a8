"""All or nothing: a brief's files and its manifest entries are published together; concurrent
builds lose nothing; a batch survives a dead worker and stops whole on a signal."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SPEC, nothing_written, one_error, run, write_spec

BODY = "formats: [docx, pdf]\nsections:\n  - section: health\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_failed_second_file_leaves_every_old_file(ws):
    write_spec(ws, BODY)
    assert run("build", cwd=ws).returncode == 0
    before = snapshot(ws / "out")
    (ws / "out" / "t.pdf").unlink()
    (ws / "out" / "t.pdf").mkdir()  # the PDF cannot be written
    del before["t.pdf"]
    write_spec(ws, BODY.replace("health", "ecology"))
    result = run("build", cwd=ws)
    assert result.returncode == 1
    assert one_error(result) == "error: out: cannot write t.pdf: a folder of that name is in the way"
    assert snapshot(ws / "out") == before  # the old DOCX and manifest, byte for byte


def test_a_manifest_that_cannot_be_written_publishes_nothing(ws):
    write_spec(ws, BODY)
    (ws / "out" / "manifest.json").mkdir(parents=True)
    result = run("build", cwd=ws)
    assert result.returncode == 1
    assert "cannot write manifest.json" in one_error(result)
    assert sorted(p.name for p in (ws / "out").iterdir()) == ["manifest.json"]


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system: a full disk without filling the machine's."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                                            str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def test_a_full_disk_leaves_the_old_brief_whole(ws, small_disk):
    write_spec(ws, BODY)
    out = small_disk / "out"
    assert run("build", "--out", out, cwd=ws).returncode == 0
    before = snapshot(out)
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * max(0, free - 60_000))  # room for a DOCX only
    write_spec(ws, BODY.replace("health", "ecology"))
    result = run("build", "--out", out, cwd=ws)
    assert result.returncode == 1
    assert "No space left on device" in one_error(result)
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_concurrent_builds_into_one_folder_lose_no_entry(ws):
    for n in range(16):
        write_spec(ws, "formats: [docx]\nsections:\n  - section: health\n", name=f"b{n:02d}")
    exe = Path(sys.executable).parent / "shangli-brief"
    builds = [subprocess.Popen([str(exe), "build", f"briefs/b{n:02d}.yaml"], cwd=ws,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for n in range(16)]
    assert all(b.wait(120) == 0 for b in builds)
    listed = [e["file"] for e in json.loads((ws / "out" / "manifest.json").read_text())["files"]]
    assert listed == [f"b{n:02d}.docx" for n in range(16)]


def test_same_names_in_one_batch_are_refused_before_building(ws):
    write_spec(ws, BODY, name="x")
    (ws / "other").mkdir()
    (ws / "other" / "X.yaml").write_text(SPEC + BODY, "utf-8")
    result = run("build", "briefs/x.yaml", "other/X.yaml", cwd=ws)
    assert result.returncode == 2
    assert one_error(result) == ("error: briefs/x.yaml and other/X.yaml would both write out/X.*; "
                                 "rename one, or build them one at a time with different --out folders")
    assert nothing_written(ws)


def children(pid: int) -> set[int]:
    """Every descendant process of pid, from /proc."""
    found, frontier = set(), {pid}
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent and int(entry.name) not in found:
                    found.add(int(entry.name))
                    frontier.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def batch(ws, count: int, *args):
    for n in range(count):
        write_spec(ws, BODY, name=f"b{n}")
    exe = Path(sys.executable).parent / "shangli-brief"
    return subprocess.Popen([str(exe), "build", *args], cwd=ws, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_workers(process, count: int) -> set[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = children(process.pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.01)
    raise AssertionError("the workers did not start")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_the_batch_and_its_workers(ws, signum):
    process = batch(ws, 8, "--jobs", "2")
    workers = wait_for_workers(process, 2)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0 and "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 20  # they end at once; this guards a hang
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.02)
    assert not [pid for pid in workers if alive(pid)], "workers left running"
    out = ws / "out"
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")] if out.exists() else []
    assert not leftovers
    if (out / "manifest.json").exists():  # whatever was published is whole and listed
        listed = {e["file"] for e in json.loads((out / "manifest.json").read_text())["files"]}
        assert listed == {p.name for p in out.iterdir() if p.suffix in (".docx", ".pdf")}


def test_a_killed_worker_is_that_briefs_failure_and_the_batch_goes_on(ws):
    process = batch(ws, 6, "--jobs", "2")
    victim = min(wait_for_workers(process, 2))
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and "Traceback" not in stderr, stderr
    failures = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(failures) == 1 and "ended unexpectedly (killed by signal 9)" in failures[0], stderr
    assert "1 of 6 briefs failed" in stderr
    built = {p.name for p in (ws / "out").iterdir() if p.suffix in (".docx", ".pdf")}
    assert len(built) == 10
    listed = {e["file"] for e in json.loads((ws / "out" / "manifest.json").read_text())["files"]}
    assert listed == built


def workers_of(pid: int) -> set[int]:
    """The build's worker processes: its direct children (helpers such as fc-list are theirs)."""
    return {c for c in children(pid)
            if int(Path(f"/proc/{c}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid} \
        if Path(f"/proc/{pid}").exists() else set()


def test_never_more_workers_than_specs(ws):
    process = batch(ws, 3, "--jobs", "60")
    most = 0
    while process.poll() is None:
        try:
            most = max(most, len(workers_of(process.pid)))
        except OSError:
            pass
        time.sleep(0.02)
    assert process.returncode == 0, process.stderr.read()
    assert 1 <= most <= 3


def test_leftovers_of_a_killed_build_are_swept(ws):
    """A build killed outright between staging and renaming (where O_TMPFILE is missing) leaves
    .NAME.PID.part; the next build removes it when that process is gone."""
    write_spec(ws, BODY)
    (ws / "out").mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    (ws / "out" / f".t.pdf.{dead}.part").write_bytes(b"half")
    (ws / "out" / f".t.docx.{dead}.old").write_bytes(b"old")
    assert run("build", cwd=ws).returncode == 0
    assert sorted(p.name for p in (ws / "out").iterdir()) == ["manifest.json", "t.docx", "t.pdf"]


def test_two_specs_of_one_name_into_one_out_folder_are_refused(tmp_path):
    """From different workspaces, built into one --out folder: one would overwrite the other."""
    for ws in ("a", "b"):
        (tmp_path / ws / "briefs").mkdir(parents=True)
        (tmp_path / ws / "briefs" / "weekly.yaml").write_text(SPEC + "sections:\n  - section: health\n", "utf-8")
    result = run("build", tmp_path / "a" / "briefs" / "weekly.yaml", tmp_path / "b" / "briefs" / "weekly.yaml",
                 "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2
    assert "would both write out/weekly.*" in one_error(result)
    assert not (tmp_path / "out").exists()


def hostile_docx(tmp_path, body: str):
    """The fireworks bulletin's DOCX with `body` as its first paragraph's content."""
    import zipfile
    from conftest import run_cli
    if not (tmp_path / "fireworks-bulletin.docx").exists():
        assert run_cli("build", "briefs/fireworks-bulletin.yaml", "--format", "docx", "--out",
                       tmp_path).returncode == 0
    target = tmp_path / "hostile.docx"
    with zipfile.ZipFile(tmp_path / "fireworks-bulletin.docx") as z, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "word/document.xml":
                start = data.index(b"<w:body>") + len(b"<w:body>")
                data = data[:start] + f"<w:p>{body}</w:p>".encode() + data[data.index(b"<w:sectPr", start):]
            out.writestr(item.filename, data)
    return target


def distinct_runs(count: int, start: int = 0) -> str:  # each different, as a zip bomb's are not
    return "".join(f"<w:r><w:t>上栗{n}县</w:t></w:r>" for n in range(start, start + count))


@pytest.mark.parametrize("kind", ["runs", "bookmarks", "fields"])
def test_verify_is_linear_in_what_a_document_holds(tmp_path, kind):
    """One paragraph of 200,000 runs, 1,000 figure bookmarks never closed, or 100,000 field
    begins never ended: verify reads it in seconds (it took minutes, quadratic) and reports."""
    from conftest import ROOT
    body = {"runs": distinct_runs(200_000),
            "bookmarks": "".join(f'<w:bookmarkStart w:id="{i}" w:name="_sbf{i}_x"/>{distinct_runs(20, i * 20)}'
                                 for i in range(1000)),
            "fields": "".join(f'<w:r><w:fldChar w:fldCharType="begin"/><w:t>{n}</w:t></w:r>'
                              for n in range(100_000))}[kind]
    target = hostile_docx(tmp_path, body)
    # a hang guard: a few seconds here; the quadratic reading took minutes (fields: 183 s)
    result = run("verify", target, "--spec", ROOT / "briefs" / "fireworks-bulletin.yaml", cwd=tmp_path,
                 timeout=90)
    assert result.returncode == 1, result.stderr[-500:]  # read through: its figures are not the brief's
    assert "refusing" not in result.stderr and "Traceback" not in result.stderr


def test_verify_has_a_budget_like_a_builds(tmp_path, monkeypatch):
    """Past its element budget (lowered here: the real one needs a document near the size
    limit) verify stops with one line, as a build stops a template."""
    from shangli_brief import verify
    from shangli_brief.errors import InputError
    target = hostile_docx(tmp_path, distinct_runs(40_000))
    assert verify.read_docx(target).paragraphs  # within the real budget: read through
    monkeypatch.setattr(verify, "MAX_ELEMENTS", 70_000)
    with pytest.raises(InputError, match="the Word file holds more than 70,000 elements, more than verify reads"):
        verify.read_docx(target)


def test_another_programs_manifest_is_not_replaced(ws):
    """An out/ linked to a folder another program keeps its manifest.json in: refused, the
    foreign file untouched, nothing written beside it."""
    foreign = ws.parent / "shared"
    foreign.mkdir()
    (foreign / "manifest.json").write_text('{"name": "site", "version": 3}', "utf-8")
    (ws / "out").symlink_to(foreign)
    write_spec(ws, "sections:\n  - section: health\n")
    result = run("build", cwd=ws)
    assert result.returncode == 1
    assert "is not shangli-brief's manifest; build into another folder with --out DIR" in one_error(result)
    assert sorted(p.name for p in foreign.iterdir()) == ["manifest.json"]
    assert (foreign / "manifest.json").read_text("utf-8") == '{"name": "site", "version": 3}'


@pytest.mark.parametrize("stem", ["CON", "aux", "a:b", "报告."])
def test_a_spec_name_windows_refuses_is_a_warning_or_with_strict_an_error(ws, stem):
    (ws / "briefs" / f"{stem}.yaml").write_text("title: 测试\nformats: [docx]\nsections:\n  - section: health\n",
                                                "utf-8")
    warned = run("build", cwd=ws)
    assert warned.returncode == 0, warned.stderr
    assert f"'{stem}' cannot name a file on Windows" in warned.stderr
    strict = run("build", "--strict", cwd=ws)
    assert strict.returncode == 2
    assert f"'{stem}' cannot name a file on Windows" in one_error(strict)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX's")
def test_a_named_pipe_among_the_templates_is_not_read(ws):
    os.mkfifo(ws / "templates" / "sections" / "pipe.md.j2")
    write_spec(ws, "sections:\n  - section: health\n")
    result = run("check", cwd=ws, timeout=60)  # a hang guard: it returns at once
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("where", ["spec", "folder"])
def test_a_name_in_gbk_bytes_is_one_line(tmp_path, where):
    """A zip made on Chinese Windows, unpacked on Linux, keeps its names in GBK: build and check
    say so in one line and what the name reads as, never an encoding error."""
    if sys.platform == "darwin":
        pytest.skip("macOS file systems take only UTF-8 names")
    gbk = "简报".encode("gbk")
    root = tmp_path / os.fsdecode(gbk) if where == "folder" else tmp_path / "ws"
    assert run("init", root, cwd=tmp_path).returncode == 0
    if where == "spec":
        os.rename(root / "briefs" / "example.yaml", os.path.join(os.fsencode(root / "briefs"), gbk + b".yaml"))
    for command in ("check", "build"):
        result = run(command, cwd=root)
        assert result.returncode == 2, result.stderr
        line = one_error(result)
        assert "is not UTF-8 (read as GBK it is '简报" in line and "unzip -O GBK" in line, line
    assert not list((root / "out").iterdir())


def test_a_folder_swapped_or_removed_while_a_file_waits_is_published_or_one_line(tmp_path):
    """The PDF waits, written in full, while the DOCX is made; if out/ is renamed and made anew,
    or removed, meanwhile, both files land in the new folder or one line says what failed."""
    from shangli_brief.errors import BuildError
    from shangli_brief.publish import Staged, publish_all
    out = tmp_path / "out"
    out.mkdir()
    staged = Staged(out / "a.pdf", b"pdf")
    out.rename(tmp_path / "old")
    out.mkdir()
    publish_all([staged, (out / "a.docx", b"docx")])
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "a.pdf"]
    assert not list((tmp_path / "old").iterdir())
    staged = Staged(out / "b.pdf", b"pdf")
    for p in out.iterdir():
        p.unlink()
    out.rmdir()
    with pytest.raises(BuildError, match="cannot write b.pdf: No such file or directory"):
        publish_all([staged, (out / "b.docx", b"docx")])
    assert not out.exists()


def test_a_file_where_the_output_folder_should_be(ws):
    write_spec(ws, BODY)
    (ws / "out").write_text("x")
    result = run("build", cwd=ws)
    assert result.returncode == 1
    assert one_error(result) == ("error: out: a file of this name is in the way of the output folder; move it, "
                                 "or build into another folder with --out DIR")


@pytest.mark.parametrize("moment", ["writing", "named", "backing up"])
def test_a_signal_at_any_moment_of_publishing_leaves_no_temporary_file(tmp_path, monkeypatch, moment):
    """A batch stops its workers with SIGTERM, which may land anywhere: while a file is written,
    just after its temporary name is given, or while the old file is kept. Each temporary
    name is known before its file exists, so none is left (seen under load in the suite)."""
    from shangli_brief import publish
    (tmp_path / "a.pdf").write_bytes(b"old")

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    if moment == "writing":  # the named way, interrupted after the bytes went in
        monkeypatch.setattr(publish, "can_make_unnamed_files", lambda: False)
        monkeypatch.setattr(publish, "_sync", interrupt)
    elif moment == "named":  # the unnamed way, interrupted as soon as the file has its name
        real = publish._write_unnamed
        monkeypatch.setattr(publish, "_write_unnamed", lambda *a: (real(*a), interrupt()))
    else:
        real_backup = publish._backup
        monkeypatch.setattr(publish, "_backup", lambda final: (real_backup(final), interrupt()))
    with pytest.raises(KeyboardInterrupt):
        publish.publish_all([(tmp_path / "a.pdf", b"new pdf"), (tmp_path / "a.docx", b"new docx")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old"
