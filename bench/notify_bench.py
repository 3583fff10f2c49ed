"""Notification outbox throughput (issue #11): 10,000 SMS queued at once are delivered by ONE worker to a
local imitation of Alibaba Cloud SMS within 60 s, none twice.

Builds a scratch PostgreSQL database ``propdesk_bench_notify`` (dropped and recreated, migrated), starts the
Alibaba Cloud SMS imitation of the tests (``propdesk/notify/tests/imitations.py``: it checks every request's
signature and nonce) on 127.0.0.1, queues ``--count`` messages with ``notify_phone`` in one transaction, then
starts one ``manage.py run_worker`` process with the production settings and the Aliyun backend pointed at
the imitation. It measures from the worker's start until no row is pending, then checks: every row sent
once (attempts = 1), the imitation received each message exactly once (by OutId).

Besides the wall-clock rate it reports the worker's own CPU time per message (user + system, from the
kernel's accounting of the child process): on a machine busy with other work the wall clock measures the
other work too, the CPU time per message much less so. Compare versions by it when the load is high.

Usage (one command, from the repository root; needs PostgreSQL on 127.0.0.1:5432 as user postgres):
``.venv/bin/python bench/notify_bench.py [--count 10000] [--timeout 120]``
"""

import argparse
import collections
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MANAGE, PYTHON, REPO, check_db_name, machine_info, pg_connect, prod_env, setup_django

DB = check_db_name("propdesk_bench_notify")
KEY_ID, SECRET = "LTAI-bench", "bench-secret-not-a-secret"


def rebuild() -> None:
    with pg_connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        admin.execute(f'CREATE DATABASE "{DB}"')
    subprocess.run([str(PYTHON), str(MANAGE), "migrate", "-v", "0"], env=prod_env(DB), check=True)


def queue(count: int) -> float:
    from django.db import transaction

    from propdesk.core.texts import t
    from propdesk.notify.services import Message, notify_phone

    started = time.perf_counter()
    with transaction.atomic():
        for i in range(count):
            message = Message(
                kind="request.status",
                subject=t("您的诉求 %(n)s 正在处理：%(title)s", n=f"BX-{i:05d}", title="厨房水龙头漏水"),
            )
            notify_phone(phone=f"138{i:08d}", message=message, dedupe=f"bench:{i}")
    return time.perf_counter() - started


def pending() -> int:
    with pg_connect(DB) as conn:
        return conn.execute("SELECT count(*) FROM notify_notification WHERE state = 'pending'").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from propdesk.notify.tests.imitations import AliyunImitation

    rebuild()
    setup_django(DB)
    queued_in = queue(args.count)
    with AliyunImitation(KEY_ID, SECRET) as api:
        env = prod_env(
            DB,
            PROPDESK_SMS_BACKEND="aliyun",
            PROPDESK_SMS_SIGN_NAME="翠湖物业",
            PROPDESK_SMS_TEMPLATE="SMS_100001",
            ALIYUN_SMS_ENDPOINT=f"{api.base}/",
            ALIYUN_ACCESS_KEY_ID=KEY_ID,
            ALIYUN_ACCESS_KEY_SECRET=SECRET,
            PROPDESK_NOTIFY_TICK_SECONDS="1",
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        worker = subprocess.Popen([str(PYTHON), str(MANAGE), "run_worker"], env=env, cwd=REPO)
        try:
            left = args.count
            while left and time.perf_counter() - started < args.timeout:
                time.sleep(0.25)
                left = pending()
            elapsed = time.perf_counter() - started
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        received = [seen.form()["OutId"] for seen in api.seen]
    with pg_connect(DB) as conn:
        states = dict(conn.execute("SELECT state, count(*) FROM notify_notification GROUP BY state").fetchall())
        retried = conn.execute("SELECT count(*) FROM notify_notification WHERE attempts <> 1").fetchone()[0]
    twice = sum(1 for n in collections.Counter(received).values() if n > 1)
    print(f"queued {args.count} in {queued_in:.1f} s (one transaction)")
    sent = args.count - left
    print(f"one worker: {sent} delivered in {elapsed:.1f} s ({sent / elapsed:.0f} messages/s), left pending: {left}")
    print(f"worker CPU time: {cpu:.1f} s ({1000 * cpu / max(sent, 1):.2f} ms per message)")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"rows by state: {states}; rows not sent in exactly one attempt: {retried}")
    print(f"imitation received {len(received)} requests, {len(set(received))} distinct messages, {twice} twice")
    for key, value in machine_info(DB).items():
        print(f"{key}: {value}")
    ok = left == 0 and elapsed <= 60 and twice == 0 and len(set(received)) == args.count
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
