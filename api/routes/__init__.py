"""One router per resource; :data:`ROUTERS` lists them in the order the
OpenAPI document shows them."""

from api.routes import (
    audit,
    communities,
    gaps,
    health,
    imports,
    orgs,
    people,
    planning,
    search,
    streets,
    units,
)

#: (router, mounted under /api/v1?)
ROUTERS = (
    (health.router, False),
    (communities.router, True),
    (streets.router, True),
    (units.router, True),
    (orgs.router, True),
    (people.router, True),
    (gaps.router, True),
    (search.router, True),
    (planning.router, True),
    (imports.router, True),
    (audit.router, True),
)
