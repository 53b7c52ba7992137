"""The Pinduoduo workbook (01): `case` (figures, tables, the typed outcome), `prose` and `charts` (what the reader
sees, text from the catalog) and `review` (its 复盘 card)."""
