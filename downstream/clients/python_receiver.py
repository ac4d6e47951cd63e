"""A webhook receiver in Python, tested against the hookspec-mock binary.

It starts a receiver on 127.0.0.1 that verifies X-Hub-Signature-256 over the raw body (as
GitHub's docs say a receiver must), creates an organization hook pointing at it, waits for the
creation ping, emits a `push` through the fake's /_hookspec/ endpoint, and reads the deliveries
API to see what the fake recorded. Standard library only.

    cargo run -p hookspec-mock --features cli -- --port 8080 &
    python3 downstream/clients/python_receiver.py http://127.0.0.1:8080
"""

import hashlib
import hmac
import http.server
import json
import sys
import threading
import time
import urllib.request

SECRET = b"s3cret"
received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        signature = self.headers.get("X-Hub-Signature-256", "")
        valid = hmac.compare_digest(expected, signature)
        received.append((self.headers["X-GitHub-Event"], valid, json.loads(body)))
        self.send_response(200 if valid else 401)
        self.end_headers()
        self.wfile.write(b"thanks")

    def log_message(self, *args):
        pass


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", "token any")
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def wait_for(count):
    deadline = time.time() + 10
    while len(received) < count and time.time() < deadline:
        time.sleep(0.02)
    assert len(received) >= count, received


def main(base):
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/webhook"

    hook = call("POST", f"{base}/orgs/my-org/hooks", {
        "name": "web", "events": ["push"],
        "config": {"url": url, "content_type": "json", "secret": SECRET.decode()},
    })
    wait_for(1)
    assert received[0][:2] == ("ping", True), received[0]

    call("POST", f"{base}/_hookspec/orgs/my-org/events/push", {"ref": "refs/heads/main"})
    wait_for(2)
    assert received[1] == ("push", True, {"ref": "refs/heads/main"}), received[1]

    deliveries = []
    for _ in range(100):
        deliveries = call("GET", hook["deliveries_url"])
        if len(deliveries) == 2:
            break
        time.sleep(0.02)
    assert [d["event"] for d in deliveries] == ["push", "ping"], deliveries
    assert all(d["status"] == "OK" and d["status_code"] == 200 for d in deliveries), deliveries
    print("ok: ping and push arrived signed; the deliveries API shows 200 OK for both")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
