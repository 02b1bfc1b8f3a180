"""The ``cobuild`` command line: one module per group of commands."""
