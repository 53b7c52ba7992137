"""Reader-facing text in two languages: message catalogs with named placeholders, one process language.

Every sentence, caption, chart title and column label a reader sees lives in a YAML catalog, one file per
domain, mirrored per language: `helpers/catalogs/en/jd.yaml` and `helpers/catalogs/zh/jd.yaml` hold the same
keys. Code asks for `message("jd.overview", orders=..., gmv=...)`; the catalog decides the words and the
order, the code only supplies numbers. Plain YAML was chosen over gettext because the placeholders are named
and typed (`{gmv:yuan}`) and there is nothing to compile.

A placeholder's format spec may name a number kind of `helpers.core.fmt` — `{gmv:yuan}`, `{share:pct}`,
`{share:pct.2}` (two decimals), `{n:num}`, `{x:ratio}`, `{d:days}`, `{diff:pp}`, `{v:float}`, `{name:text}` —
formatted in the current language (¥1.23M in English, ¥123.4万 in Chinese); any other spec is Python's own.

The language is the process's (`helpers.core.language`): a kernel runs one edition.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from helpers.core import fmt
from helpers.core.language import LANGUAGES, current, use

__all__ = ["LANGUAGES", "catalog", "has", "label", "language", "message", "placeholders", "use"]
CATALOGS = Path(__file__).resolve().parents[1] / "catalogs"
language = current


def _flatten(tree: Mapping[str, Any], prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in tree.items():
        key = f"{prefix}.{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, key))
        else:
            flat[key] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language as `{"domain.name": text}` (nested YAML keys joined with dots).

    The domain is the file's name, except that every `labels*.yaml` (shared `labels.yaml`, per-workbook
    `labels_jd.yaml`) feeds the one `labels` domain; a label defined twice with different words is an error.
    """
    folder = CATALOGS / lang
    messages: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        domain = "labels" if path.stem.startswith("labels") else path.stem
        for key, text in _flatten(tree, domain).items():
            if messages.get(key, text) != text:
                raise ValueError(f"{path}: {key} is already defined as {messages[key]!r}")
            messages[key] = text
    return messages


class _Formatter(string.Formatter):
    """str.format with the number kinds of `fmt` as format specs (`{gmv:yuan}`, `{share:pct.2}`)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        kind, _, digits = format_spec.partition(".")
        if kind in fmt.KINDS:
            return fmt.as_kind(kind, value, int(digits) if digits else None)
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def message(key: str, **values: Any) -> str:
    """The text of `key` in the current language with its placeholders filled; KeyError names a missing key."""
    texts = catalog(language())
    if key not in texts:
        raise KeyError(f"no message {key!r} in the {language()} catalog ({CATALOGS / language()})")
    return _FORMATTER.format(texts[key], **values)


def has(key: str) -> bool:
    """True when `key` exists in the current language's catalog."""
    return key in catalog(language())


def label(name: object) -> str:
    """The reader-facing name of a column or metric (`labels.<name>`), or the name itself when none is listed."""
    key = f"labels.{name}"
    return message(key) if has(key) else str(name)


def placeholders(text: str) -> set[str]:
    """The named placeholders of a catalog text, for checking that both languages ask for the same values."""
    return {field for _, field, _, _ in _FORMATTER.parse(text) if field}
