"""Files a user hands the command line: YAML parameter files and scenarios, read as data, never as code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helpers.core.errors import UsageError
from helpers.core.messages import message


def read_yaml_mapping(path: str, role: str) -> dict[str, Any]:
    """A YAML file holding a mapping, read with the safe loader (files are data, never code); `role` names the
    file in a refusal: "parameters" or "scenario" (keys of `errors.file`)."""
    what = message(f"errors.file.{role}")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(message("errors.file.unreadable", what=what, path=path, why=error.strerror)) from None
    except yaml.YAMLError as error:
        raise UsageError(message("errors.file.not_yaml", what=what, path=path, why=error)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(message("errors.file.not_mapping", what=what, path=path, kind=type(data).__name__))
    return data
