"""shangli-brief: briefings on Shangli County's development, from YAML specs to DOCX and PDF."""
from pathlib import Path

__version__ = "0.1.0"

# The package's own files (templates, layouts, themes, the dataset) are read from beside its
# code: pip installs it as plain files, and importlib.resources cost 10 ms of every command.
PACKAGE = Path(__file__).parent
