"""The small HTML pages the command writes (the reports index, a batch summary), from Jinja2 templates.

Autoescape is on for every template, so a workbook title, a trainee's name or a metric read from a notebook
is always shown as text, never run as markup.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

TEMPLATES = Environment(
    loader=PackageLoader("helpers.app", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def render(template: str, **context: Any) -> str:
    """The page `template` (a file in helpers/app/templates/) filled with `context`, every value escaped."""
    return TEMPLATES.get_template(template).render(**context)
