"""`pip install .` on Windows, macOS and Linux installs from the wheel: it must hold every file
the package reads at run time, wherever it sits in the package."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_the_wheel_holds_every_package_file(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                            str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("shangli_brief-*.whl"))
    package = ROOT / "src" / "shangli_brief"
    wanted = {p.relative_to(package.parent).as_posix() for p in package.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert wanted - names == set()
    assert re.search(r"Requires-Dist: reportlab(<5\.2,>=4\.0\.4|>=4\.0\.4,<5\.2)", metadata), metadata
    assert "Classifier: Operating System :: Microsoft :: Windows" in metadata
    assert "License-Expression: MIT" in metadata
