"""A GitHub App's webhook with githubkit, authenticated as the app, against the hookspec-mock
binary, unchanged.

    cargo run -p hookspec-mock --features cli -- --port 8080 --generate-app 1=/tmp/app-1.pem &
    python3 -m venv .venv && .venv/bin/pip install "githubkit[auth-app]" "hishel<2"
    .venv/bin/python downstream/clients/githubkit_app_hook.py http://127.0.0.1:8080 1 /tmp/app-1.pem

It walks api.github.com paths, then GHES paths (BASE_URL/api/v3), with one receiver each.
githubkit's AppAuthStrategy signs the app's JWT (RS256, PyJWT) with the private key the binary
wrote. The script reads the app hook's config, points it at a small receiver on 127.0.0.1 that
checks every delivery's X-Hub-Signature-256 over the raw body, has the fake emit an
`installation` event to the app (POST /_hookspec/apps/{id}/events/installation), waits until the
receiver got it, lists the deliveries, gets one and redelivers it (the same GUID arrives again).
githubkit's HTTP cache is off: GitHub answers `Cache-Control: private, max-age=60`, so a cached
client would see the same deliveries list for a minute.
Exits non-zero on the first thing that is not as GitHub would answer.
"""

import json
import sys
import time
import urllib.request

from githubkit import AppAuthStrategy, GitHub
from githubkit.exception import RequestFailed

from signed_receiver import SignedReceiver

SECRET = b"s3cret"

def check_delivery(delivery, event, app_id):
    headers, valid, payload = delivery
    assert headers["X-GitHub-Event"] == event, headers
    assert valid, f"{event}: not signed with the hook's secret"
    assert headers["X-GitHub-Hook-Installation-Target-Type"] == "integration", headers
    assert headers["X-GitHub-Hook-Installation-Target-ID"] == str(app_id), headers
    return payload


def deliveries_of(gh, count):
    """The app hook's deliveries, newest first, once the deliveries API lists `count` of them
    (the fake records each when the receiver has answered, as GitHub does)."""
    deadline = time.time() + 10
    while True:
        deliveries = gh.rest.apps.list_webhook_deliveries(per_page=100).parsed_data
        if len(deliveries) >= count or time.time() > deadline:
            assert len(deliveries) == count, deliveries
            return deliveries
        time.sleep(0.02)


def emit(base, app_id, event, payload):
    """Has the fake emit `event` to the app, through its own endpoint (at the server's root)."""
    root = base.rstrip("/").removesuffix("/api/v3")
    request = urllib.request.Request(
        f"{root}/_hookspec/apps/{app_id}/events/{event}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 202, answer.status
        return json.load(answer)["deliveries"]


def walk(base, app_id, private_key):
    gh = GitHub(AppAuthStrategy(app_id, private_key), base_url=base, http_cache=False,
                auto_retry=False)
    receiver = SignedReceiver(SECRET)

    # A user token on an app endpoint: 401 with GitHub's message.
    stranger = GitHub("ghp_16C7e42F292c6912E7710c838347Ae178B4a", base_url=base,
                      http_cache=False, auto_retry=False)
    try:
        stranger.rest.apps.get_webhook_config_for_app()
        raise AssertionError("a personal token read the app hook's config")
    except RequestFailed as error:
        assert error.response.status_code == 401, error.response.status_code
        message = error.response.json()["message"]
        assert message == "A JSON web token could not be decoded", message

    # The config, then pointed at this walk's receiver with a secret.
    config = gh.rest.apps.get_webhook_config_for_app().parsed_data
    assert config.content_type in ("form", "json"), config
    config = gh.rest.apps.update_webhook_config_for_app(
        url=receiver.url, content_type="json", secret=SECRET.decode(), insecure_ssl="0"
    ).parsed_data
    assert (config.url, config.content_type, config.secret) == (receiver.url, "json", "********"), config
    again = gh.rest.apps.get_webhook_config_for_app().parsed_data
    assert again.url == receiver.url, again

    # Something happens to the app: every app gets `installation`, signed, aimed at it.
    earlier = len(gh.rest.apps.list_webhook_deliveries(per_page=100).parsed_data)
    arrived_before = len(receiver.received)
    sent = emit(base, app_id, "installation", {"action": "created", "installation": {"id": 77}})
    assert len(sent) == 1, sent
    delivery = receiver.wait_for(arrived_before + 1)
    payload = check_delivery(delivery, "installation", app_id)
    assert payload["action"] == "created", payload
    guid = delivery[0]["X-GitHub-Delivery"]

    # List, newest first, with the receiver's real answer; get one.
    newest = deliveries_of(gh, earlier + 1)[0]
    assert (newest.guid, newest.event, newest.action) == (guid, "installation", "created"), newest
    assert (newest.status, newest.status_code, newest.redelivery) == ("OK", 200, False), newest
    detail = gh.rest.apps.get_webhook_delivery(newest.id).parsed_data
    assert detail.guid == guid, detail
    # The headers are a model with no declared fields: its extra members are the headers.
    headers = detail.request.headers.model_dump()
    assert headers["X-GitHub-Event"] == "installation", headers
    assert headers["X-GitHub-Hook-Installation-Target-Type"] == "integration", headers

    # Redeliver: the same GUID arrives again, and the list shows the redelivery first.
    answer = gh.rest.apps.redeliver_webhook_delivery(newest.id)
    assert answer.status_code == 202, answer.status_code
    redelivered = receiver.wait_for(arrived_before + 2)
    check_delivery(redelivered, "installation", app_id)
    assert redelivered[0]["X-GitHub-Delivery"] == guid, redelivered[0]
    deliveries = deliveries_of(gh, earlier + 2)
    assert (deliveries[0].guid, deliveries[0].redelivery) == (guid, True), deliveries[0]
    receiver.shutdown()
    print(f"githubkit app hook on {base}: ok")


def main(root, app_id, key_path):
    with open(key_path) as key_file:
        private_key = key_file.read()
    root = root.rstrip("/")
    for base in (root, f"{root}/api/v3"):
        walk(base, app_id, private_key)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(f"usage: {sys.argv[0]} ROOT_URL APP_ID PRIVATE_KEY.pem")
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
