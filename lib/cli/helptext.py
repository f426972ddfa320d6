"""A command module's docstring as its --help prints it."""


def help_text(doc: str | None) -> str:
    """Without the reStructuredText literal quotes (``name`` -> name) the docstrings use for Sphinx."""
    return (doc or "").replace("``", "")
