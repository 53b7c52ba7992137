"""Casebook helpers: parameters, data I/O, analyses, charts, the 复盘 review card and metric recording.

Notebooks import from here; every function is a plain call on DataFrames or numbers so that it can be
unit-tested outside a notebook.
"""

from helpers.record import read_metrics, record

__all__ = ["read_metrics", "record"]
