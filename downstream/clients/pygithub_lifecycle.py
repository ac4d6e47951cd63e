"""An org-webhook lifecycle with PyGithub against the hookspec-mock binary, unchanged.

    cargo run -p hookspec-mock --features cli -- --port 8080 &
    python3 -m venv .venv && .venv/bin/pip install PyGithub
    .venv/bin/python downstream/clients/pygithub_lifecycle.py http://127.0.0.1:8080

PyGithub is made lazy so that it does not fetch the organization itself first
(GET /orgs/{org} is not one of the 17 webhook operations the fake serves). The hook points at
a small receiver on 127.0.0.1, so the fake's deliveries really arrive.
Exits non-zero on the first thing that is not as GitHub would answer.
"""

import http.server
import sys
import threading
import time

from github import Auth, Github, GithubException


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
receiver_url = f"http://127.0.0.1:{receiver.server_port}/hook"

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
gh = Github(base_url=base, auth=Auth.Token("any-token"), lazy=True,
            seconds_between_requests=0, seconds_between_writes=0)
org = gh.get_organization("octocat")

hook = org.create_hook("web", {"url": receiver_url, "content_type": "json", "secret": "s3cret"},
                       events=["push", "pull_request"], active=True)
assert hook.events == ["push", "pull_request"], hook.events
assert hook.config["secret"] == "********", "secrets never come back"
assert hook.id in [h.id for h in org.get_hooks()]

fetched = org.get_hook(hook.id)
fetched.edit("web", {"url": receiver_url + "?edited"}, events=["pull_request"])
assert fetched.events == ["pull_request"] and "secret" not in fetched.config, "an update without a secret removes it"

fetched.ping()
for _ in range(500):  # deliveries are sent in the background, as on GitHub
    deliveries = list(org.get_hook_deliveries(hook.id))
    if len(deliveries) == 2:
        break
    time.sleep(0.02)
assert [d.event for d in deliveries] == ["ping", "ping"], deliveries  # the ping, then the creation ping
assert org.get_hook_delivery(hook.id, deliveries[0].id).status_code == 200

fetched.delete()
try:
    org.get_hooks()[0]
    raise AssertionError("the hook is still listed")
except IndexError:
    pass
try:
    org.create_hook("webby", {"url": "https://example.com/hook"})
    raise AssertionError("a name other than web was accepted")
except GithubException as error:
    assert error.status == 422, error
print("PyGithub lifecycle: ok")
