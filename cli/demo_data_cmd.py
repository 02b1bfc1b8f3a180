"""Commands of this group (filled in by its issue)."""


def register(sub) -> None:
    """Add this group's commands to the ``cobuild`` parser."""
