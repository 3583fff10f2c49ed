from django.conf import settings
from django.core.management.base import BaseCommand

from propdesk.core.worker import Worker


class Command(BaseCommand):
    help = "Run the background worker (periodic jobs) until stopped with Ctrl-C or SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every due job once and exit")

    def handle(self, *args, once: bool, **options):
        Worker(tick=settings.PROPDESK_WORKER_TICK_SECONDS).run(once=once)
