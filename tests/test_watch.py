"""`shangli-brief watch`: rebuilds after a save, reports errors and keeps watching,
stops at once on Ctrl-C with nothing half-written and no process left."""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

from conftest import run_cli

EXE = Path(sys.executable).parent / "shangli-brief"


class Watcher:
    def __init__(self, cwd: Path):
        self.process = subprocess.Popen([str(EXE), "watch"], cwd=cwd, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.new_line = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            with self.new_line:
                self.lines.append(line.rstrip("\n"))
                self.new_line.notify_all()

    def wait_for(self, text: str, after: int = 0, timeout: float = 120) -> None:
        """Until a line holding `text` is printed; `timeout` only guards against a hang."""
        with self.new_line:
            if not self.new_line.wait_for(lambda: any(text in line for line in self.lines[after:]), timeout):
                raise AssertionError(f"no '{text}' in {self.lines}")


def test_watch_rebuilds_reports_and_stops(tmp_path):
    assert run_cli("init", tmp_path / "ws").returncode == 0
    ws = tmp_path / "ws"
    spec = ws / "briefs" / "example.yaml"
    watcher = Watcher(ws)
    try:
        watcher.wait_for("watching 1 brief")
        mark = len(watcher.lines)
        spec.write_text(spec.read_text("utf-8").replace("issue: 1", "issue: 7"), "utf-8")
        watcher.wait_for("built briefs/example.yaml", after=mark)
        text = subprocess.run(["pdftotext", str(ws / "out" / "example.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "第7期" in text
        # a template error is shown and watching goes on
        template = ws / "templates" / "sections" / "fireworks.md.j2"
        good = template.read_text("utf-8")
        mark = len(watcher.lines)
        template.write_text(good.replace("{% endblock %}", "{{ value('fireworks.nosuch') }}\n{% endblock %}", 1),
                            "utf-8")
        watcher.wait_for("error: templates/sections/fireworks.md.j2", after=mark)
        mark = len(watcher.lines)
        template.write_text(good, "utf-8")
        watcher.wait_for("built briefs/example.yaml", after=mark)
        # a data file and the theme are read afresh
        mark = len(watcher.lines)
        (ws / "data" / "2025-update.csv").write_text(
            "id,period,value,qualifier,source,section,replace\n"
            "fireworks.mechanization_rate,2025,85,超,县应急管理局,年报,是\n", "utf-8")
        watcher.wait_for("built briefs/example.yaml", after=mark)
        text = subprocess.run(["pdftotext", str(ws / "out" / "example.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "超85%" in text
        theme = ws / "themes" / "office.yaml"
        mark = len(watcher.lines)
        theme.write_text(theme.read_text("utf-8").replace("上栗县发展改革工作简报", "上栗县测试简报"), "utf-8")
        watcher.wait_for("built briefs/example.yaml", after=mark)
        text = subprocess.run(["pdftotext", str(ws / "out" / "example.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "上栗县测试简报" in text
        # a reference Word file (a letterhead) is an input too
        import docx
        letterhead = docx.Document()
        letterhead.sections[0].header.paragraphs[0].text = "上栗县信笺"
        letterhead.save(ws / "letterhead.docx")
        mark = len(watcher.lines)
        spec.write_text(spec.read_text("utf-8") + "reference_docx: letterhead.docx\n", "utf-8")
        watcher.wait_for("built briefs/example.yaml", after=mark)
        mark = len(watcher.lines)
        letterhead.sections[0].header.paragraphs[0].text = "上栗县人民政府信笺"
        letterhead.save(ws / "letterhead.docx")
        watcher.wait_for("built briefs/example.yaml", after=mark)
        header = docx.Document(ws / "out" / "example.docx").sections[0].header.paragraphs[0].text
        assert header == "上栗县人民政府信笺"
        # a deleted spec is reported
        mark = len(watcher.lines)
        kept = spec.read_text("utf-8")
        spec.unlink()
        watcher.wait_for("the spec is gone", after=mark)
        mark = len(watcher.lines)
        spec.write_text(kept, "utf-8")
        watcher.wait_for("built briefs/example.yaml", after=mark)
    finally:
        watcher.process.send_signal(signal.SIGINT)
        watcher.process.wait(30)  # a hang guard: it stops at once
    assert watcher.process.returncode == 0
    assert "stopped" in watcher.lines[-1] and not any("KeyboardInterrupt" in line for line in watcher.lines)
    assert not any("Traceback" in line for line in watcher.lines)
    assert sorted(p.name for p in (ws / "out").iterdir()) == ["example.docx", "example.pdf", "manifest.json"]
    children = subprocess.run(["pgrep", "-P", str(watcher.process.pid)], capture_output=True).stdout
    assert not children
