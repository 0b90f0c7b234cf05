"""Jobs on a queue: ``API(tasks=Queue("redis://..."))`` and ``responder worker``.

Needs the ``tasks`` extra (``pip install "responder[tasks]"``: taskiq and
taskiq-redis). ``import responder`` never imports this package; see
``docs/jobs.md``.
"""

from .job import Job, JobFailed
from .queue import DEFAULT_RESULT_TTL, Queue, QueueUnavailable

__all__ = ["DEFAULT_RESULT_TTL", "Job", "JobFailed", "Queue", "QueueUnavailable"]
