"""Files in and out: atomic writes, case tables checked against a schema, shop order exports, run exports.

Imports only helpers.core; the schemas come from the caller (the workbooks layer), so no generator is imported.
"""
