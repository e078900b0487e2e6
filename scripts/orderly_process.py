"""What the end-to-end scripts share: a real `orderly serve` process on a free port, and JSON calls to it.
Only 127.0.0.1 is ever contacted."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`orderly serve` on a free port over `data`, with `env` on top of this process's environment."""

    def __init__(self, binary, data, log, env=None, port=None):
        self.binary, self.data, self.log, self.env = binary, data, log, env or {}
        self.fixed_port = port is not None
        self.port = port or free_port()
        self.process = None

    def start(self):
        """Starts the server and waits for /health. A port picked here may be taken meanwhile (a restart reuses it,
        and the kernel may have handed it to an outgoing connection since): then it starts on another, twice at
        most; callers build every URL with `url`, so they follow."""
        for attempt in range(3):
            if self.launch():
                return
            if self.fixed_port or attempt == 2:
                raise SystemExit(f"orderly serve exited with status {self.process.returncode} at start")
            self.port = free_port()

    def launch(self):
        """Runs `orderly serve` on `port`; answers whether it came up (false when it exited at start)."""
        env = dict(os.environ)
        env.update(self.env)
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--data-dir", self.data],
            env=env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if call("GET", self.url("/health"))[0] == 200:
                    return True
            except OSError:
                pass
            if self.process.poll() is not None:
                return False
            time.sleep(0.05)
        raise SystemExit("orderly serve did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise SystemExit("orderly serve did not stop on SIGTERM")


def call(method, url, body=None, token=None, headers=None, timeout=15):
    """One request; answers (status, parsed JSON or raw bytes)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            text = answer.read()
            return answer.status, (json.loads(text) if text and answer.headers.get_content_type().endswith("json") else text)
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def must(answer, *statuses):
    """The body of an answer whose status is one of `statuses`; stops the script otherwise."""
    if answer[0] not in statuses:
        raise SystemExit(f"answered {answer[0]}, not {statuses}: {answer[1]}")
    return answer[1]


def settled(order_url, token, seconds=60):
    """The order at `order_url` once its checkout has decided it (no longer CREATED), or as it stands after
    `seconds`: what follows an answer whose `wait` (10 s at most) ended before its checkout did."""
    deadline = time.time() + seconds
    while True:
        body = must(call("GET", order_url, token=token), 200)
        if body.get("status") != "CREATED" or time.time() > deadline:
            return body
        time.sleep(0.2)
