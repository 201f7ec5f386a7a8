"""shangli-brief: briefings on Shangli County's development, from YAML specs to DOCX and PDF."""

__version__ = "0.1.0"
