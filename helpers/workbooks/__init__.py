"""One module (or package) per workbook with its review card, the case datasets and the workbook registry.

The only layer that imports `generators`; a workbook never imports another workbook.
"""
