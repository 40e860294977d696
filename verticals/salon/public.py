"""The salon's public online booking: pages under /book/<workspace slug> and their JSON under
/api/public/<workspace slug> (public_api), mounted without sign-in."""

from atrium.verticals.salon import public_api

routes: list = [*public_api.routes]
