"""Data inputs: where they are and how they are validated."""

from lib.data.paths import project_root, resolve
from lib.data.validation import DataValidationError, Problem

__all__ = ["project_root", "resolve", "DataValidationError", "Problem"]
