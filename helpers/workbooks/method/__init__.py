"""The method workbook (00): `case` (the 618 promotion's figures, tables, charts and their typed result) and
`review` (its 复盘 card, built from that result only)."""

from helpers.workbooks.method.case import check_parameters

__all__ = ["check_parameters"]
