"""The demo county: a realistic roster with real gaps, reproducible.

:func:`generate` builds the roster of a fictional county seat (桐川县) in the
proportions of the source article: 169 resident units, 40 heads of unit
party organizations serving as part-time committee members (兼职委员) of
community party organizations, 18 grid party branches, 46 grid party
groups, 37 party-member central households and 50 model compounds, in 4-5
streets and 26-32 communities, with county leaders, dual registrations
(双报到) and the three lists (需求/资源/项目清单).

It is *not* a perfect county: every gap rule G01–G13 and G15–G23 of ``rules.md`` has
real instances (see :data:`loaders.demo.county.PLANTED`), and there are
posts that ended the day before ``as_of``, one that starts the day after,
and link posts ending within 90 days.

Reproducibility: the same ``(seed, scale, as_of)`` gives the identical
roster. The structure (who, where, which links) depends on ``seed`` and
``scale`` only; every date is an offset from ``as_of``, so a roster made for
another day has the same people and links with shifted dates. ``as_of``
defaults to today, so pass it explicitly when you need the same file twice.

The figures of the article hold on ``as_of`` (posts counting on that day):
exactly ``round(40 * scale)`` distinct people hold a 兼职委员 post in a
community party organization while their own post (本职) is in a unit party
organization taken into it (纳入).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Callable

from graph.errors import CobuildError
from graph.roster import Roster
from loaders.demo.county import ARTICLE, PLANTED, CountyBuilder

__all__ = ["generate", "DEFAULT_SEED", "ARTICLE", "PLANTED", "MAX_SCALE"]

DEFAULT_SEED = 2024
#: Above this a roster no longer fits in memory comfortably (~1,750 nodes
#: per unit of scale).
MAX_SCALE = 2000.0


def generate(seed: int = DEFAULT_SEED, scale: float = 1.0, as_of: dt.date | None = None,
             *, progress: Callable[[str], None] | None = None) -> Roster:
    """Generate the demo county's roster.

    Parameters
    ----------
    seed : int
        Random seed; the same seed, scale and as_of give the same roster.
    scale : float
        Multiplies every figure: 1 is the article's county seat (~1,750
        nodes), 10 about a city, 100 about a province (~170,000 nodes).
        Every rule has planted gaps from scale 0.2 up; smaller rosters are
        too small to hold them all.
    as_of : datetime.date, optional
        The day the roster describes (default: today). All dates are
        relative to it.
    progress : callable, optional
        Receives one-line progress messages (for stderr).

    Returns
    -------
    Roster
        Parsed values as the readers give them; row ``line`` numbers are
        those of the written workbook (first data row 2).

    Raises
    ------
    CobuildError
        When ``scale`` is not a positive number up to :data:`MAX_SCALE`.

    Examples
    --------
    >>> import datetime
    >>> r = generate(seed=1, as_of=datetime.date(2025, 6, 30))
    >>> len(r.rows("units"))
    169
    """
    if not isinstance(scale, (int, float)) or not math.isfinite(scale) \
            or scale <= 0 or scale > MAX_SCALE:
        raise CobuildError(
            f"规模 --scale 应为大于 0、不超过 {MAX_SCALE:g} 的数（现为 {scale!r}）",
            f"--scale must be a number above 0 and at most {MAX_SCALE:g} (got {scale!r})",
        )
    if as_of is None:
        as_of = dt.date.today()
    return CountyBuilder(int(seed), float(scale), as_of, progress).build()
