#!/usr/bin/env python3
"""Two `orderly serve` processes on the aws backend, sharing one set of DynamoDB tables in moto_server:

1. 30 buyers race for 10 units, half through each server: exactly 10 orders are confirmed and the stock ledger is
   exact (nothing reserved, nothing sold twice).
2. One server is killed with SIGKILL while its checkouts run; the other takes their executions over once their
   leases expire, and every order finishes.

Usage: scripts/two-servers.py --endpoint http://127.0.0.1:PORT (a moto_server). Only 127.0.0.1 is contacted.
"""
import argparse
import os
import secrets
import subprocess
import tempfile
import threading
import time

from orderly_process import Server, call, must, settled


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/debug/orderly")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--takeover-seconds", type=float, default=90.0)
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    env = {
        "AWS_ENDPOINT_URL": args.endpoint, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing", "ORDERLY_BACKEND": "aws",
        "ORDERLY_AWS_PREFIX": f"two-{secrets.token_hex(4)}", "ORDERLY_JWT_SECRET": secrets.token_hex(32),
        "ORDERLY_WEBHOOK_SECRET": secrets.token_hex(32), "ORDERLY_ADMIN_EMAIL": "admin@two.test",
        "ORDERLY_ADMIN_PASSWORD": "admin-password", "ORDERLY_LOG_LEVEL": "warning",
    }
    subprocess.run([binary, "aws", "provision"], env={**os.environ, **env}, check=True, capture_output=True)
    work = tempfile.mkdtemp(prefix="orderly-two-")
    servers = []
    for name in ("a", "b"):
        log = open(os.path.join(work, f"server-{name}.log"), "ab")
        server = Server(binary, os.path.join(work, name), log, env=env)
        server.start()
        servers.append(server)
    a, b = servers
    try:
        race(a, b)
        takeover(a, b, args.takeover_seconds)
    except BaseException:
        print(f"two servers: logs kept in {work}", flush=True)
        for server in servers:
            if server.process.poll() is None:
                server.kill()
        raise
    # Every execution ended (an order is CONFIRMED before its checkout's last steps publish their events), then
    # every event relayed, then every invariant of the shared tables at rest.
    admin = login(b, "admin@two.test", "admin-password")
    deadline = time.time() + 60
    while any(must(call("GET", b.url(f"/v1/admin/executions?workflow={workflow}&status=RUNNING"), token=admin),
                   200)["items"] for workflow in ("checkout", "cancel-order")):
        if time.time() > deadline:
            raise SystemExit("two servers: executions still running after 60 s")
        time.sleep(0.5)
    # The gauge is set by each relay pass (idle passes are a second apart): zero three times running is a pass made
    # after the last execution ended.
    zeros = 0
    while zeros < 3:
        zero = "outbox_pending_events 0.0" in call("GET", b.url("/metrics"))[1].decode().splitlines()
        zeros = zeros + 1 if zero else 0
        if time.time() > deadline:
            raise SystemExit("two servers: events still waiting to be relayed after 60 s")
        time.sleep(1)
    for server in servers:
        if server.process.poll() is None:
            server.stop()
    check = subprocess.run([binary, "check"], env={**os.environ, **env}, capture_output=True, text=True)
    print(check.stdout, end="", flush=True)
    if check.returncode != 0:
        raise SystemExit("two servers: orderly check found broken rules in the shared tables")
    print("two servers: 1 passed, 0 failed")


def login(server, email, password):
    return must(call("POST", server.url("/v1/auth/login"), {"email": email, "password": password}), 200)["token"]


def customers(server, count, name):
    tokens = []
    for index in range(count):
        email = f"{name}{index}-{secrets.token_hex(3)}@two.test"
        must(call("POST", server.url("/v1/users"), {"email": email, "password": "password-123", "name": name}), 201)
        tokens.append(login(server, email, "password-123"))
    return tokens


def product(server, admin, stock):
    return must(call("POST", server.url("/v1/products"), {
        "name": "Milk", "description": "Fresh", "price": {"amount": 120, "currency": "USD"}, "category": "dairy",
        "stock": stock}, token=admin), 201)["productId"]


def order(server, token, product_id, key, wait, card="tok_visa"):
    return call("POST", server.url("/v1/orders" + ("?wait=true" if wait else "")), {
        "items": [{"productId": product_id, "quantity": 1}], "paymentMethod": {"type": "card", "token": card}},
        token=token, headers={"Idempotency-Key": key}, timeout=30)


def race(a, b):
    admin = login(a, "admin@two.test", "admin-password")
    milk = product(a, admin, 10)
    buyers = customers(a, 30, "racer")
    outcomes, lock = [], threading.Lock()

    def buy(index):
        server = (a, b)[index % 2]
        status, body = order(server, buyers[index], milk, f"race-{index}", wait=True)
        if status == 200 and body.get("status") == "CREATED":
            # `wait` waits 10 s at most, and 30 checkouts through one moto_server take about that: one still under
            # way is followed to its end.
            body = settled(server.url(f"/v1/orders/{body['orderId']}"), buyers[index])
        with lock:
            outcomes.append(body.get("status") if status == 200 else f"{status} {body.get('code')}")

    threads = [threading.Thread(target=buy, args=(index,)) for index in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if outcomes.count("CONFIRMED") != 10:
        raise SystemExit(f"two servers: {outcomes.count('CONFIRMED')} of 30 confirmed for 10 units: {sorted(map(str, outcomes))}")
    stock = must(call("GET", b.url(f"/v1/products/{milk}")), 200)["stock"]
    if stock != {"available": 0, "reserved": 0}:
        raise SystemExit(f"two servers: after the race the stock is {stock}")
    print("two servers: 30 buyers across two servers, 10 units, 10 confirmed", flush=True)


def takeover(a, b, seconds):
    admin = login(b, "admin@two.test", "admin-password")
    milk = product(b, admin, 100)
    buyers = customers(b, 4, "steady")
    # The card fails once, then succeeds: each checkout waits for its retry (up to a second), so the kill right
    # after the last order finds checkouts in flight.
    placed = []
    for index in range(24):
        placed.append(must(order(a, buyers[index % 4], milk, f"kill-{index}", wait=False, card="tok_processingError"),
                           202)["orderId"])
    a.kill()  # mid-checkout: its executions hold leases that now lapse
    in_flight = sum(1 for order_id in placed
                    if must(call("GET", b.url(f"/v1/orders/{order_id}"), token=admin), 200)["status"] == "CREATED")
    print(f"two servers: killed one server with {in_flight} of {len(placed)} checkouts unfinished", flush=True)
    if in_flight == 0:
        raise SystemExit("two servers: no checkout was in flight at the kill, so nothing was taken over")
    deadline = time.time() + seconds
    while True:
        statuses = [must(call("GET", b.url(f"/v1/orders/{order_id}"), token=admin), 200)["status"] for order_id in placed]
        if "CREATED" not in statuses:
            break
        if time.time() > deadline:
            raise SystemExit(f"two servers: {statuses.count('CREATED')} orders still CREATED {seconds} s after the kill")
        time.sleep(1)
    if statuses.count("CONFIRMED") != len(placed):
        raise SystemExit(f"two servers: after the takeover the orders are {sorted(statuses)}")
    stock = must(call("GET", b.url(f"/v1/products/{milk}")), 200)["stock"]
    if stock != {"available": 100 - len(placed), "reserved": 0}:
        raise SystemExit(f"two servers: after the takeover the stock is {stock}")
    print("two servers: the other server finished every checkout of the killed one", flush=True)


if __name__ == "__main__":
    main()
