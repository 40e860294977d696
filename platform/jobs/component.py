"""Jobs: the table of jobs that ran out of retries."""

from atrium.platform.components import Component
from atrium.platform.jobs import models

COMPONENT = Component(key="jobs", tables=(models,))
