"""TODO"""

routes: list = []
