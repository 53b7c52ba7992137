"""What a workbook shows and records: parameters, prose and tables, charts, the review card, recorded metrics,
the notebook files. Imports helpers.core and helpers.io only."""
