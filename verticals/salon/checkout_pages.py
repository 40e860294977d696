"""To be built."""

routes: list = []
