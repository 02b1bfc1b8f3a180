"""Rosters in and out: read (.xlsx / CSV folder / .zip), validate, write,
template, export."""
