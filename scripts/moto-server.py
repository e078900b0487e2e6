#!/usr/bin/env python3
"""moto_server with DynamoDB's per-item atomicity, and EventBridge at a usable speed.

moto answers requests on several threads and its DynamoDB does not lock: two conditional writes racing on one item
can both pass their condition, which real DynamoDB never allows. The store's tests race conditional writes on
purpose, so this runs moto's own application with every DynamoDB request serialised (other services, such as SQS
long polls, stay concurrent).

moto's EventBridge builds a JSONPath parser (its grammar tables) for every path of every event it routes, about 25 ms
each, eight per event and rule: a few dozen events hold the whole server (and its one Python interpreter) for
seconds. Parsed paths are kept here, which changes nothing else.

Usage: scripts/moto-server.py [-H 127.0.0.1] [-p PORT]
"""
import argparse
import functools
import threading

import jsonpath_ng.ext

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=4096)(jsonpath_ng.ext.parse)
    moto = DomainDispatcherApplication(create_backend_app)
    dynamodb = threading.Lock()

    def app(environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            with dynamodb:
                # The answer is built inside the call; read it whole while holding the lock.
                return [b"".join(moto(environ, start_response))]
        return moto(environ, start_response)

    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
