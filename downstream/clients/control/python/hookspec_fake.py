"""The hookspec-mock binary from Python, standard library only: start it with a seed file, call
GitHub's API and the fake's control API (/_hookspec/) on it, and receive its webhooks.

The binary is $HOOKSPEC_MOCK, or hookspec-mock on PATH
(cargo install --path mock --features cli).
"""

import hashlib
import hmac
import http.server
import json
import os
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Answer:
    """An HTTP answer: its status and its body as JSON (None when empty)."""

    status: int
    body: object


class Fake:
    """A running hookspec-mock binary on a free loopback port, started with `seed`."""

    def __init__(self, seed, token):
        binary = os.environ.get("HOOKSPEC_MOCK") or shutil.which("hookspec-mock")
        if not binary:
            raise RuntimeError(
                "no hookspec-mock binary: set HOOKSPEC_MOCK to its path "
                "(cargo build -p hookspec-mock --features cli) or put it on PATH"
            )
        self.token = token
        # --port 0 picks a free port; the first line says which: "listening on http://HOST:PORT".
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--quiet", "--seed", seed],
            stdout=subprocess.PIPE,
            text=True,
        )
        first = self.process.stdout.readline()
        if not first.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"{binary} --seed {seed} did not start: {first!r}")
        self.base = first.removeprefix("listening on ").strip()
        # Keeps reading what it prints, so that its pipe never fills.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()

    def github(self, method, path, body=None, token=None):
        """Calls GitHub's API (`/orgs/acme/hooks`) with the token (or `token`)."""
        return self._call(method, path, body, {"Authorization": f"Bearer {token or self.token}"})

    def control(self, method, path, body=None, **query):
        """Calls the control API: `control("POST", "reset")`, `control("GET", "requests", status=422)`."""
        url = f"/_hookspec/{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        return self._call(method, url, body, {})

    def wait_for_deliveries(self, wait_ms=10_000):
        """Every stored delivery, once none is on its way (the fake waits, up to `wait_ms`)."""
        answer = self.control("GET", "deliveries", wait_ms=wait_ms)
        if answer.status != 200 or answer.body["pending"] != 0:
            raise AssertionError(f"deliveries still pending after {wait_ms} ms: {answer}")
        return answer.body["deliveries"]

    def _call(self, method, path, body, headers):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        for name, value in headers.items():
            request.add_header(name, value)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as error:
            return Answer(error.code, _json(error.read()))


def _json(text):
    return json.loads(text) if text.strip() else None


@dataclass
class Delivery:
    """One webhook as a receiver got it: its headers (names in any case) and the exact bytes of
    its body."""

    headers: object
    body: bytes

    @property
    def event(self):
        return self.headers.get("X-GitHub-Event")

    @property
    def payload(self):
        return json.loads(self.body)

    def signed_with(self, secret):
        """Whether X-Hub-Signature-256 is the HMAC-SHA256 of the raw body under `secret`."""
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("X-Hub-Signature-256", ""))


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers 200 and keeps every delivery in `received`."""

    def __init__(self):
        self.received = []
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                # Kept before answering: once the fake records the delivery, it is here.
                received.append(Delivery(self.headers, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
