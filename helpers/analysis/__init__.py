"""Analyses by topic: pure functions on DataFrames and numbers. Imports only helpers.core and scientific libraries."""
