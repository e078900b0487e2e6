#!/usr/bin/env python3
"""Fault injection against the real binary: concurrent checkouts, cancellations, refunds and subscription runs while
`orderly serve` is killed with SIGKILL at random moments and restarted on the same data folder, several rounds.
Afterwards every order must be finished within a bound and `orderly check` must pass.

Seeded (ORDERLY_FAULT_SEED or --seed; printed), bounded in rounds and seconds; only 127.0.0.1 is ever contacted.
"""
import argparse
import atexit
import datetime
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error

from orderly_process import Server, call, must


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/debug/orderly")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("ORDERLY_FAULT_SEED", random.randrange(1 << 30))))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round-seconds", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--settle-seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(f"fault test: seed {args.seed} (ORDERLY_FAULT_SEED={args.seed} repeats it), {args.rounds} rounds", flush=True)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="orderly-fault-")
    data = os.path.join(work, "data")
    log = open(os.path.join(work, "server.log"), "ab")
    server = Server(os.path.abspath(args.bin), data, log, env={
        "ORDERLY_ADMIN_EMAIL": "admin@fault.test", "ORDERLY_ADMIN_PASSWORD": "admin-password",
        "ORDERLY_SCHEDULER_INTERVAL_SECONDS": "1", "ORDERLY_LOG_LEVEL": "warning", "ORDERLY_MAX_UNPAID_ORDERS": "1000",
    })
    server.start()
    # Whatever happens, no server outlives the test.
    atexit.register(lambda: server.process.poll() is None and server.kill())

    admin = must(call("POST", server.url("/v1/auth/login"), {"email": "admin@fault.test", "password": "admin-password"}), 200)["token"]
    products = []
    for index in range(3):
        product = must(call("POST", server.url("/v1/products"), {
            "name": f"Milk {index}", "description": "Fresh", "price": {"amount": 100 + 25 * index, "currency": "USD"},
            "category": "dairy", "stock": 400}, token=admin), 201)
        products.append(product["productId"])
    customers = []
    for index in range(6):
        email = f"buyer{index}@fault.test"
        must(call("POST", server.url("/v1/users"), {"email": email, "password": "password-123", "name": f"Buyer {index}"}), 201)
        customers.append(must(call("POST", server.url("/v1/auth/login"), {"email": email, "password": "password-123"}), 200)["token"])
    # Subscriptions whose first run falls during the rounds: the scheduler places them while the server is killed.
    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
    first_run = now.replace(second=0, microsecond=0).timestamp()
    for token in customers[:3]:
        must(call("POST", server.url("/v1/subscriptions"), {
            "productId": rng.choice(products), "quantity": 1, "frequency": "DAILY",
            "startDate": now.strftime("%Y-%m-%d"), "deliveryTime": now.strftime("%H:%M"),
            "paymentMethod": {"type": "card", "token": "tok_visa"}}, token=token,
            headers={"Idempotency-Key": f"sub-{token[-12:]}"}), 201)

    orders = []
    lock = threading.Lock()
    counts = {}

    def worker(number, stop):
        local = random.Random(args.seed * 1000 + number)
        serial = 0
        while not stop.is_set():
            serial += 1
            operation = local.choices(["order", "cancel", "refund", "read"], weights=[5, 2, 2, 1])[0]
            try:
                if operation == "order" or not orders:
                    token = local.choice(customers)
                    method = local.choice([
                        {"type": "card", "token": "tok_visa"}, {"type": "card", "token": "tok_visa"},
                        {"type": "card", "token": "tok_processingError"}, {"type": "card", "token": "tok_chargeDeclined"},
                        {"type": "upi", "vpa": "ann@bank"}, {"type": "cash"}])
                    wait = "?wait=true" if local.random() < 0.5 else ""
                    status, body = call("POST", server.url("/v1/orders" + wait), {
                        "items": [{"productId": local.choice(products), "quantity": local.randint(1, 3)}],
                        "paymentMethod": method}, token=token,
                        headers={"Idempotency-Key": f"w{number}-{args.seed}-{serial}"})
                    if status in (200, 202):
                        with lock:
                            orders.append((body["orderId"], token))
                elif operation == "cancel":
                    order, token = local.choice(orders)
                    status, _ = call("POST", server.url(f"/v1/orders/{order}/cancel"), {}, token=token)
                elif operation == "refund":
                    order, _ = local.choice(orders)
                    amount = local.choice([None, 50, 100, 200])
                    body = {"reason": "fault test"}
                    if amount:
                        body["amount"] = {"amount": amount, "currency": "USD"}
                    status, _ = call("POST", server.url(f"/v1/admin/orders/{order}/refunds"), body, token=admin,
                                     headers={"Idempotency-Key": f"r{number}-{args.seed}-{serial}"})
                else:
                    order, token = local.choice(orders)
                    status, _ = call("GET", server.url(f"/v1/orders/{order}"), token=token)
                with lock:
                    counts[(operation, status)] = counts.get((operation, status), 0) + 1
                if status >= 500:
                    raise SystemExit(f"fault test: {operation} answered {status}")
            except (OSError, urllib.error.URLError, ConnectionError):
                time.sleep(0.05)  # the server is down: it is being killed and restarted

    # At least the rounds asked for, and on until the subscriptions' first run has come (a minute at most).
    round_number = -1
    while round_number + 1 < args.rounds or (time.time() < first_run + 3 and round_number < 40):
        round_number += 1
        stop = threading.Event()
        threads = [threading.Thread(target=worker, args=(round_number * 100 + n, stop)) for n in range(args.workers)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, args.round_seconds))
        server.kill()
        print(f"fault test: round {round_number + 1}: killed with {len(orders)} orders so far", flush=True)
        stop.set()
        for thread in threads:
            thread.join()
        server.start()

    # Every order finishes (checkouts and cancellations resume), events are delivered, refunds are settled.
    deadline = time.time() + args.settle_seconds
    while True:
        unfinished = must(call("GET", server.url("/v1/admin/orders?status=CREATED&limit=100"), token=admin), 200)["items"]
        metrics = call("GET", server.url("/metrics"))[1].decode()
        # The gauge is reported from the dispatcher's first pass on: until it is there, the backlog is unknown.
        gauge = [line for line in metrics.splitlines() if line.startswith("outbox_pending_events")]
        pending = [line for line in gauge if not line.endswith(" 0.0") and not line.endswith(" 0")]
        if not unfinished and gauge and not pending:
            break
        if time.time() > deadline:
            raise SystemExit(f"fault test: {len(unfinished)} orders still CREATED, outbox {pending}, after {args.settle_seconds} s")
        time.sleep(0.5)
    time.sleep(12)  # refunds interrupted by a kill are completed by the sweep (every second, for ones 10 s old)
    placed_by_subscriptions, cursor = 0, ""
    while True:
        page = must(call("GET", server.url(f"/v1/admin/orders?limit=100&cursor={cursor}"), token=admin), 200)
        placed_by_subscriptions += sum(1 for order in page["items"] if order.get("subscriptionId"))
        if not page["nextCursor"]:
            break
        cursor = page["nextCursor"]
    print(f"fault test: {placed_by_subscriptions} orders placed by subscription runs", flush=True)
    if placed_by_subscriptions == 0:
        raise SystemExit("fault test: no subscription run was placed")
    server.stop()
    print(f"fault test: {len(orders)} orders; answers: " + ", ".join(f"{op} {status}: {n}" for (op, status), n in sorted(counts.items())), flush=True)
    check = subprocess.run([os.path.abspath(args.bin), "check", "--data-dir", data], capture_output=True, text=True)
    print(check.stdout, end="", flush=True)
    if check.returncode != 0:
        print(f"fault test: orderly check failed (seed {args.seed}); data kept in {data}", file=sys.stderr)
        sys.exit(1)
    print("fault test: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
