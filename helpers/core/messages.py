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

__all__ = ["LANGUAGES", "catalog", "has", "label", "language", "message", "placeholders", "scopes", "use"]
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
    A labels file may nest its names under its own scope (`labels_your_shop.yaml` → `your_shop:`): those are
    `labels.your_shop.<name>`, found by `label(name, scope="your_shop")` only.
    """
    folder = CATALOGS / lang
    messages: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        domain = "labels" if path.stem.startswith("labels") else path.stem
        if domain == "labels":
            _check_scopes(path, tree)
        for key, text in _flatten(tree, domain).items():
            if messages.get(key, text) != text:
                raise ValueError(f"{path}: {key} is already defined as {messages[key]!r}")
            messages[key] = text
    return messages


def _check_scopes(path: Path, tree: Mapping[str, Any]) -> None:
    """A labels file nests names only under its own scope, one level deep, so a scope is always one file."""
    for name, value in tree.items():
        if not isinstance(value, Mapping):
            continue
        if path.stem != f"labels_{name}":
            raise ValueError(f"{path}: the label scope {name!r} belongs in labels_{name}.yaml")
        nested = [key for key, text in value.items() if isinstance(text, Mapping)]
        if nested:
            raise ValueError(f"{path}: labels inside the scope {name!r} must be texts, not sections: {nested}")


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


def scopes() -> list[str]:
    """The label scopes of the current language: the workbooks that keep labels of their own."""
    return sorted(_scopes(language()))


@cache
def _scopes(lang: str) -> frozenset[str]:
    return frozenset(key.split(".")[1] for key in catalog(lang) if key.startswith("labels.") and key.count(".") == 2)


def label(name: object, scope: str | None = None) -> str:
    """The reader-facing name of a column or metric, or the name itself when none is listed.

    Shared labels (`labels.<name>`) mean one thing everywhere. A workbook whose column reuses a shared name
    with another meaning (04's `tier` is a lifecycle tier, 03's a KOL tier) keeps its own labels in a scope,
    `labels_<scope>.yaml`: `label("tier", scope="your_shop")` finds `labels.your_shop.tier` first, then the
    shared label. An unknown scope is a KeyError naming the known ones (a typo must not fall back silently).
    """
    if scope is not None:
        if scope not in _scopes(language()):
            raise KeyError(
                f"no label scope {scope!r} in the {language()} catalog: known scopes are "
                f"{', '.join(scopes()) or 'none'} (a scope is a labels_<scope>.yaml nesting its names under <scope>:)"
            )
        scoped = f"labels.{scope}.{name}"
        if has(scoped):
            return message(scoped)
    key = f"labels.{name}"
    return message(key) if has(key) else str(name)


def placeholders(text: str) -> set[str]:
    """The named placeholders of a catalog text, for checking that both languages ask for the same values."""
    return {field for _, field, _, _ in _FORMATTER.parse(text) if field}
