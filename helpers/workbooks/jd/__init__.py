"""The jd workbook: `case` (its figures, tables and counterfactuals) and `review` (its 复盘 card)."""
