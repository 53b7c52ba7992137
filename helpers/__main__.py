"""`python -m helpers …` is the `casebook` command."""

import sys

from helpers.app.cli import main

sys.exit(main())
