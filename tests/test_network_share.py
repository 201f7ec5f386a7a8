"""An output folder on a network share or a USB stick (SMB, NFS, FUSE, vfat): the kernel refuses
unnamed files there (O_TMPFILE: EOPNOTSUPP) and may keep no locks (flock: ENOLCK). Simulated by
making those calls answer so in the real command's process, for every folder: the build works,
publishes whole files and leaves nothing behind."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SHARE = '''
import errno, fcntl, os
_open, _flock = os.open, fcntl.flock
def refusing_open(path, flags, *args, **kwargs):
    if hasattr(os, "O_TMPFILE") and flags & os.O_TMPFILE == os.O_TMPFILE:
        raise OSError(errno.EOPNOTSUPP, os.strerror(errno.EOPNOTSUPP))
    return _open(path, flags, *args, **kwargs)
def no_locks(fd, operation):
    raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
os.open, fcntl.flock = refusing_open, no_locks
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="O_TMPFILE is Linux's")
@pytest.mark.parametrize("args", [["briefs/fireworks-bulletin.yaml"],
                                  ["briefs/fireworks-bulletin.yaml", "briefs/livelihood-bulletin.yaml"]])
def test_a_build_on_a_share_without_unnamed_files_or_locks(tmp_path, args):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHARE, "utf-8")
    out = tmp_path / "share" / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([str(Path(sys.executable).parent / "shangli-brief"), "build", *args, "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    expected = sorted([f"{Path(a).stem}.{fmt}" for a in args for fmt in ("docx", "pdf")] + ["manifest.json"])
    assert names == expected
    assert all((out / n).read_bytes().rstrip().endswith(b"%%EOF") for n in names if n.endswith(".pdf"))
