"""The `casebook` command and what it drives: runs, reports, batches, student versions, refreshes, datasets.

The top of the stack: nothing in helpers/ or generators/ imports it.
"""
