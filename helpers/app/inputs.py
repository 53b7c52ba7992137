"""Files a user hands the command line: YAML parameter files and scenarios, read as data, never as code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helpers.core.errors import UsageError


def read_yaml_mapping(path: str, what: str) -> dict[str, Any]:
    """A YAML file holding a mapping, read with the safe loader (files are data, never code)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"{what} '{path}' cannot be read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise UsageError(f"{what} '{path}' is not valid YAML: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{what} '{path}' must hold a mapping of name: value, got {type(data).__name__}")
    return data
