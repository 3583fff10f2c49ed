"""``manage.py run_worker`` with the SLA sweep replaced by a prototype from bench/sla_sweep_experiment.py, to
measure a proposed fix end to end (used by ``bench/sla_bench.py --sweep-variant``). Not for production.

    DJANGO_SETTINGS_MODULE=config.settings.prod … .venv/bin/python bench/patched_worker.py --sweep C
"""

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", choices=["B", "C"], required=True, help="prototype sweep to run")
    args = parser.parse_args()
    import django

    django.setup()
    import sla_sweep_experiment as experiment
    from django.conf import settings

    from propdesk.core.worker import Worker
    from propdesk.sla import jobs

    replacement = {"B": experiment.sweep_b, "C": experiment.sweep_c}[args.sweep]
    # The periodic job calls the name imported into sla.jobs.
    jobs.sweep = lambda *, batch=500, **_kw: replacement(batch=batch)
    Worker(tick=settings.PROPDESK_WORKER_TICK_SECONDS).run()


if __name__ == "__main__":
    main()
