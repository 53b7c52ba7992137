"""Workbook parameters: read the typed `parameters` cell into a spec and validate values against it.

One parameter per line, `name: type = default  # help, range`, for example
`group_discount: float = 0.25  # price cut for a 2-person group, 0–0.9`. The range is the last
comma-separated part of the comment (`,` or the full-width `，` of a Chinese comment) and may be `LO–HI`
(also `LO to HI`, `LO 至 HI`), `≥ LO`, `≤ HI` or `one of a|b|c` (`可选 a|b|c`). A comment holds no `=`:
papermill's `--help-notebook` could not read the line.
The same spec drives `casebook list`, the CLI's checks before a kernel starts and the check inside the
notebook (`helpers.workbooks.registry.check`, which adds each workbook's cross-parameter rules), so every
route gives the same message. The messages come from the catalogs (`errors.yaml`) in the process language: a
Chinese kernel, or `casebook --lang zh`, refuses in Chinese, with the help from the Chinese notebook's comments.
"""

from __future__ import annotations

import ast
import difflib
import io
import math
import re
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.core import language
from helpers.core.errors import ParameterError
from helpers.core.messages import message
from helpers.notebook.files import notebook_path, read_notebook

TYPES = {"int": int, "float": float, "bool": bool, "str": str}
_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
_BETWEEN = re.compile(rf"^({_NUMBER})\s*(?:–|—|\.\.|to|-|至|到)\s*({_NUMBER})$")
_AT_LEAST = re.compile(rf"^≥\s*({_NUMBER})$")
_AT_MOST = re.compile(rf"^≤\s*({_NUMBER})$")
_CHOICES = re.compile(r"^(?:one of|可选)\s*(.+)$")
_LAST_PART = re.compile(r"^(?:(.*)[,，])?([^,，]*)$", re.S)  # help, then the range after the last comma (or ，)
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Param:
    """One workbook parameter as declared in its parameters cell."""

    name: str
    type: str
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None

    def allowed(self) -> str:
        """What values are allowed, in words of the current language."""
        if self.choices is not None:
            return message("errors.allowed.choices", choices=", ".join(repr(c) for c in self.choices))
        kind = message(f"errors.allowed.{self.type}")
        if self.type in ("bool", "str"):
            return kind
        low, high = (None if b is None else _plain(b) for b in (self.low, self.high))
        if low is not None and high is not None:
            return message("errors.allowed.between", kind=kind, low=low, high=high)
        if low is not None:
            return message("errors.allowed.at_least", kind=kind, low=low)
        if high is not None:
            return message("errors.allowed.at_most", kind=kind, high=high)
        return kind

    def range_text(self) -> str:
        """The allowed values in the short form shown by `casebook list`: 'LO–HI', '≥ LO', '≤ HI', 'a|b' or ''."""
        if self.choices is not None:
            return "|".join(str(c) for c in self.choices)
        if self.low is not None and self.high is not None:
            return f"{_plain(self.low)}–{_plain(self.high)}"
        if self.low is not None:
            return f"≥ {_plain(self.low)}"
        if self.high is not None:
            return f"≤ {_plain(self.high)}"
        return ""

    def coerce(self, value: Any) -> Any:
        """Return `value` as this parameter's type, or raise ParameterError saying what is allowed."""
        converted = self._convert(value)
        if self.choices is not None and converted not in self.choices:
            raise self.error(value)
        if self.type in ("int", "float"):
            if self.low is not None and converted < self.low:
                raise self.error(value)
            if self.high is not None and converted > self.high:
                raise self.error(value)
        return converted

    def error(self, value: Any, why: str = "") -> ParameterError:
        """The standard message for a value this parameter refuses, in the current language."""
        return ParameterError(
            message(
                "errors.parameter.not_allowed",
                name=self.name,
                value=repr(value),
                reason=message("errors.parameter.reason", why=why) if why else "",
                allowed=self.allowed(),
                help=message("errors.parameter.help", help=self.help) if self.help else "",
            )
        )

    def _convert(self, value: Any) -> Any:
        if self.type == "str":
            if not isinstance(value, str):
                raise self.error(value)
            return value
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            raise self.error(value)
        if isinstance(value, bool):
            raise self.error(value)
        number = value
        if isinstance(value, str):
            try:
                number = float(value.strip()) if self.type == "float" else _parse_int(value)
            except ValueError:
                raise self.error(value) from None
        if not isinstance(number, int | float) or not math.isfinite(number):
            raise self.error(value)
        if self.type == "int":
            if number != int(number):
                raise self.error(value, message("errors.parameter.not_whole"))
            return int(number)
        return float(number)


def _parse_int(text: str) -> int:
    number = float(text.strip())
    if number != int(number):
        raise ValueError(text)
    return int(number)


def _plain(number: float) -> str:
    return f"{number:,.10g}"


@dataclass(frozen=True)
class Spec:
    """The parameters of one workbook, in declaration order."""

    notebook: str
    params: dict[str, Param]

    def __iter__(self):
        return iter(self.params.values())

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its declared default."""
        return {p.name: p.default for p in self}

    def validate(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Coerce and check `values` (a subset of the parameters); raise on the first bad one."""
        checked = {}
        for name, value in values.items():
            if name not in self.params:
                raise unknown_parameter(name, value, list(self.params), self.notebook)
            checked[name] = self.params[name].coerce(value)
        return checked


def unknown_parameter(name: str, value: Any, known: list[str], where: str) -> ParameterError:
    """The error for a name no workbook declares, with the closest match as a hint."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = message("errors.parameter.did_you_mean", name=close[0]) if close else ""
    names = ", ".join(known)
    return ParameterError(
        message("errors.parameter.unknown", name=name, value=repr(value), where=where, hint=hint, known=names)
    )


def parse_cell(source: str, notebook: str = "<cell>") -> Spec:
    """Read a parameters cell's source into a Spec; raise ValueError on lines that break the format."""
    comments = _comments_by_line(source)
    params: dict[str, Param] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value):
            raise ValueError(f"{notebook}: parameters cell line {node.lineno} is not `name: type = value`")
        name = node.target.id
        type_name = ast.unparse(node.annotation)
        if type_name not in TYPES:
            raise ValueError(f"{notebook}: parameter '{name}' has type {type_name}; use one of {list(TYPES)}")
        default = ast.literal_eval(node.value)
        comment = comments.get(node.lineno, "")
        if "=" in comment:
            raise ValueError(f"{notebook}: the comment of '{name}' holds '='; papermill --help-notebook cannot read it")
        help_text, low, high, choices = _parse_comment(comment, type_name)
        param = Param(name, type_name, default, help_text, low, high, choices)
        param.coerce(default)
        params[name] = param
    return Spec(notebook, params)


def _comments_by_line(source: str) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0]: t.string.lstrip("#").strip() for t in tokens if t.type == tokenize.COMMENT}


def _parse_comment(comment: str, type_name: str):
    head, last = _LAST_PART.match(comment).groups()
    head, last = head or "", last.strip()
    cast = int if type_name == "int" else float
    if m := _BETWEEN.match(last):
        return head.strip(), cast(float(m[1])), cast(float(m[2])), None
    if m := _AT_LEAST.match(last):
        return head.strip(), cast(float(m[1])), None, None
    if m := _AT_MOST.match(last):
        return head.strip(), None, cast(float(m[1])), None
    if m := _CHOICES.match(last):
        options = [o.strip() for o in m[1].split("|")]
        return head.strip(), None, None, tuple(TYPES[type_name](o) for o in options)
    return comment, None, None, None


def read_spec(notebook: str | Path, lang: str | None = None) -> Spec:
    """The Spec from the cell tagged `parameters` of a workbook in edition `lang` (default: the process language),
    so its help is in that language."""
    path = notebook_path(str(notebook), lang or language.current())
    cells = read_notebook(path)["cells"]
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return parse_cell("".join(cell["source"]), path.stem)
    raise ValueError(f"{path.name} has no cell tagged 'parameters'")
