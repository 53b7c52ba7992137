"""Synthetic, deterministic data for the Casebook workbooks: one module per case, shared parts in common."""
