"""The three kinds of bad input, each with a message a business user can act on.

Every layer raises these, the command line turns them into exit code 2 and one line on stderr, and Jupyter
shows only the message (no call stack) through `_render_traceback_`.
"""

from __future__ import annotations

from helpers.core.messages import message


class ParameterError(ValueError):
    """A parameter value a workbook cannot use; the message names it, the value and what is allowed."""

    def _render_traceback_(self) -> list[str]:
        """Show only the message in Jupyter: the reader needs the fix, not our call stack."""
        return [f"ParameterError: {self}"]


class DataError(ValueError):
    """Data a workbook cannot use; `problems` lists every one found, each naming table, column and rows."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        key = "data.heading_one" if count == 1 else "data.heading_many"
        self.heading = message(key, count=count)  # "3 problems in the data:", in the current language
        super().__init__(f"{self.heading} " + "; ".join(self.problems))

    def _render_traceback_(self) -> list[str]:
        """In Jupyter, one problem per line and no call stack."""
        return [f"DataError: {self.heading}", *(f"- {p}" for p in self.problems)]


class UsageError(ValueError):
    """A command-line problem that is not a parameter or data error (e.g. an unreadable YAML file)."""
