import os
import time

from django.core.management.base import BaseCommand, CommandError

from propdesk.demo.loader import demo_exists, demo_set_password, load_demo


class Command(BaseCommand):
    help = "Load the demo company, communities, staff (one login per role) and residents."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=600, help="number of households (default 600)")
        parser.add_argument(
            "--password", default=None, help="password of every demo login (default $DEMO_PASSWORD or demo1234)"
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo data is already loaded")

    def handle(self, *args, households: int, password: str | None, if_empty: bool, **options):
        if households < 1:
            raise CommandError("--households must be at least 1")
        if demo_exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                wanted = password or os.environ.get("DEMO_PASSWORD")
                if wanted:
                    demo_set_password(wanted)
                    self.stdout.write("Demo logins now use the password from DEMO_PASSWORD.")
                return
            raise CommandError("Demo data already loaded (use a fresh database, or --if-empty).")
        password = password or os.environ.get("DEMO_PASSWORD") or "demo1234"
        started = time.monotonic()
        result = load_demo(households=households, password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.households} households, {result.residents} residents "
                f"in {time.monotonic() - started:.1f}s."
            )
        )
        for username, role, where in result.logins:
            self.stdout.write(f"  {username:<16} {role}  ({where})")
