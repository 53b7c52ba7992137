"""The leaf layer: errors, table schemas, the safe division, number formats, the festival calendar, paths.

Imports nothing of the project, so every other layer (and the generators) may build on it.
"""
