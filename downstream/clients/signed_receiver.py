"""The webhook receiver the client scripts here share: it listens on 127.0.0.1, checks
X-Hub-Signature-256 over the raw body (as GitHub's docs say a receiver must), answers 200 (401
when the signature is wrong), and lets a script wait for its nth delivery without sleeping.
Standard library only."""

import hashlib
import hmac
import http.server
import json
import threading


class SignedReceiver:
    """A receiver on a free loopback port; `url` is where a hook should point."""

    def __init__(self, secret):
        # The hook's secret; a script that changes the hook's secret changes this too.
        self.secret = secret
        # (headers, valid signature, payload) per delivery, in arrival order.
        self.received = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                expected = "sha256=" + hmac.new(receiver.secret, body, hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(expected, self.headers.get("X-Hub-Signature-256", ""))
                self.send_response(200 if valid else 401)
                self.end_headers()
                with receiver._arrived:
                    receiver.received.append((self.headers, valid, json.loads(body)))
                    receiver._arrived.notify_all()

            def log_message(self, *args):
                pass

        self._server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"

    def wait_for(self, count):
        """Waits until `count` deliveries have arrived (10 s at most); the last of them."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout=10)
            assert len(self.received) >= count, \
                f"{len(self.received)} of {count} deliveries arrived: {self.received}"
        return self.received[count - 1]

    def shutdown(self):
        self._server.shutdown()
