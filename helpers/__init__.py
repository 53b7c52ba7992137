"""Casebook helpers, one subpackage per role, dependencies pointing down only (docs/DEVELOPING.md):

core (errors, schemas, numbers, formats, calendar, paths) ← analysis, io, notebook ← workbooks ← app.
Notebooks call `helpers.workbooks.<workbook>` and the analysis and notebook layers; every function is a plain
call on DataFrames or numbers so that it can be unit-tested outside a notebook.
"""
