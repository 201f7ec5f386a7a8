"""Narrative sections: Jinja2 templates, number helpers, Markdown to model."""
