#!/usr/bin/env python3
"""Compares builds of orderly on a noisy machine: runs `orderly bench http` against each build's server in turn,
alternating them for a number of rounds (so that a slow stretch of the host falls on both), and prints every figure
run by run with the means and the ratio of the means against the first build.

    scripts/bench-compare.py [--rounds 3] [--seconds 5] [--buyers 1,32] [--reads] BUILD_A BUILD_B [...]

Each BUILD is an orderly binary (say `.build/release/orderly`, and a copy of an earlier build's); the driver is the
first one. Without `--reads` only checkouts are measured. The work counts (transactions, writes and syncs per
checkout, system calls, kilobytes written) depend on what the server does, not on the host's load: they compare two
builds where a rate varies by a fifth from run to run. Benchmarks report; nothing here fails on a figure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHECKOUT_FIGURES = [
    ("confirmedPerSecond", "confirmed/s", 1),
    ("p50ms", "p50 ms", 2),
    ("p99OverP50", "p99 ÷ p50", 2),
    ("sustainedPerSecond", "sustained/s", 1),
    ("serverCPUMillisecondsPerCheckout", "server CPU ms a checkout", 2),
    ("threadSwitchesPerCheckout", "thread switches a checkout", 1),
    ("systemCallsPerCheckout", "system calls a checkout", 1),
    ("kilobytesWrittenPerCheckout", "KB written a checkout", 1),
    ("transactionsPerCheckout", "transactions a checkout", 2),
    ("writesPerCheckout", "writes a checkout", 2),
    ("syncsPerCheckout", "syncs a checkout", 2),
]


def run(driver, server, arguments):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    try:
        command = [driver, "bench", "http", "--server", server, "--json", path] + arguments
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path) as figures:
            return json.load(figures)
    finally:
        os.unlink(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--buyers", default="1,32")
    parser.add_argument("--reads", action="store_true", help="measure the reads too")
    parser.add_argument("builds", nargs="+")
    options = parser.parse_args()
    if len(options.builds) < 2:
        parser.error("give two builds or more")
    builds = [os.path.abspath(build) for build in options.builds]
    arguments = ["--seconds", str(options.seconds), "--buyers", options.buyers]
    if not options.reads:
        arguments.append("--checkouts-only")

    results = {build: [] for build in builds}
    for round in range(1, options.rounds + 1):
        for build in builds:
            print(f"round {round}: {build}", file=sys.stderr)
            results[build].append(run(builds[0], build, arguments))

    def checkout_figure(buyers, key):
        def pick(figures):
            rows = [row for row in figures.get("checkouts", []) if row.get("buyers") == buyers]
            return rows[0].get(key) if rows else None

        return pick

    rows = []
    for buyers in (int(count) for count in options.buyers.split(",")):
        for key, label, digits in CHECKOUT_FIGURES:
            plural = "" if buyers == 1 else "s"
            rows.append((f"{label}, {buyers} buyer{plural}", digits, checkout_figure(buyers, key)))
    if options.reads:
        rows.append(("GET /v1/products/{id} ÷ GET /health", 2, lambda f: f.get("reads", {}).get("productOverHealth")))
    rows.append(("peak RSS MB", 1, lambda f: f.get("peakRSSMegabytes")))
    rows.append(("database bytes an order", 0, lambda f: f.get("databaseBytesPerOrder")))

    names = [os.path.basename(build) for build in builds]
    if len(set(names)) < len(names):
        names = builds
    print("| figure | " + " | ".join(names) + " | " + " | ".join(f"÷ {names[0]}" for _ in builds[1:]) + " |")
    print("| --- |" + " ---: |" * (2 * len(builds) - 1))
    for label, digits, pick in rows:
        cells, means = [], []
        for build in builds:
            values = [pick(figures) for figures in results[build]]
            values = [v for v in values if isinstance(v, (int, float))]
            cells.append(" / ".join(f"{v:,.{digits}f}" for v in values) or "—")
            means.append(sum(values) / len(values) if values else None)
        ratios = [f"{m / means[0]:.3f}" if m is not None and means[0] else "—" for m in means[1:]]
        print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    main()
