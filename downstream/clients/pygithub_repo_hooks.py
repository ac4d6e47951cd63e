"""A repository-webhook lifecycle with PyGithub against the hookspec-mock binary, unchanged.

    cargo run -p hookspec-mock --features cli -- --port 8080 &
    python3 -m venv .venv && .venv/bin/pip install PyGithub
    .venv/bin/python downstream/clients/pygithub_repo_hooks.py http://127.0.0.1:8080
    .venv/bin/python downstream/clients/pygithub_repo_hooks.py http://127.0.0.1:8080/api/v3

The client is made lazy so that PyGithub does not fetch it first (GET /repos/{owner}/{repo}
is not one of the webhook operations the fake serves). The hook points at a small receiver on
127.0.0.1 that checks every delivery's X-Hub-Signature-256 over the raw body, so the fake's
deliveries really arrive and are verified. Redelivery has no PyGithub method: it goes through
PyGithub's own requester, as its users do for calls it lacks.
Exits non-zero on the first thing that is not as GitHub would answer.
"""

import sys
import time

from github import Auth, Github, UnknownObjectException

from signed_receiver import SignedReceiver

OWNER_REPO = "octocat/hello-world"
def check_delivery(delivery, event, ghes):
    headers, valid, payload = delivery
    assert headers["X-GitHub-Event"] == event, headers
    assert valid, f"{event}: not signed with the hook's secret"
    assert headers["X-GitHub-Hook-Installation-Target-Type"] == "repository", headers
    assert headers["X-GitHub-Hook-Installation-Target-ID"] == str(payload["repository"]["id"]), headers
    assert ("X-GitHub-Enterprise-Version" in headers) == ghes, f"{event}: {headers}"
    return payload


def deliveries_of(repo, hook_id, count):
    """The hook's deliveries, newest first, once the deliveries API lists `count` of them
    (the fake records each when the receiver has answered, as GitHub does)."""
    deadline = time.time() + 10
    while True:
        deliveries = list(repo.get_hook_deliveries(hook_id))
        if len(deliveries) >= count or time.time() > deadline:
            assert len(deliveries) == count, deliveries
            return deliveries
        time.sleep(0.02)


def main(base):
    ghes = base.rstrip("/").endswith("/api/v3")
    receiver = SignedReceiver(b"s3cret")

    gh = Github(base_url=base, auth=Auth.Token("any-token"), lazy=True,
                seconds_between_requests=0, seconds_between_writes=0)
    repo = gh.get_repo(OWNER_REPO)  # lazy, as the client is

    # Create: GitHub pings every new hook, signed, as a repository's.
    hook = repo.create_hook("web", {"url": receiver.url, "content_type": "json", "secret": "s3cret"},
                            events=["push", "pull_request"], active=True)
    assert hook.type == "Repository", hook.type
    assert hook.url == f"{base}/repos/{OWNER_REPO}/hooks/{hook.id}", hook.url
    assert hook.test_url == f"{hook.url}/test", hook.test_url
    assert hook.events == ["push", "pull_request"], hook.events
    assert hook.config["secret"] == "********", "secrets never come back"
    ping = check_delivery(receiver.wait_for(1), "ping", ghes)
    assert ping["hook_id"] == hook.id, ping
    assert ping["repository"]["full_name"] == OWNER_REPO, ping

    # List and get.
    assert [h.id for h in repo.get_hooks()] == [hook.id]
    fetched = repo.get_hook(hook.id)
    assert (fetched.events, fetched.config["url"]) == (hook.events, receiver.url), fetched

    # Edit with add_events/remove_events and a new secret (an edit without one removes it).
    receiver.secret = b"n3w"
    fetched.edit("web", {"url": receiver.url, "content_type": "json", "secret": "n3w"},
                 add_events=["issues"], remove_events=["pull_request"])
    assert fetched.events == ["push", "issues"], fetched.events
    assert fetched.config["secret"] == "********", fetched.config

    # Test push: subscribed to push, so one arrives; then a ping.
    fetched.test()
    push = check_delivery(receiver.wait_for(2), "push", ghes)
    assert push["repository"]["full_name"] == OWNER_REPO, push
    fetched.ping()
    check_delivery(receiver.wait_for(3), "ping", ghes)

    # Deliveries, newest first, each with the receiver's real answer.
    deliveries = deliveries_of(repo, hook.id, 3)
    assert [d.event for d in deliveries] == ["ping", "push", "ping"], deliveries
    assert all((d.status, d.status_code, d.redelivery) == ("OK", 200, False) for d in deliveries), deliveries
    pushed = deliveries[1]
    detail = repo.get_hook_delivery(hook.id, pushed.id)
    assert (detail.guid, detail.event) == (pushed.guid, "push"), detail
    assert detail.request.headers["X-GitHub-Event"] == "push", detail.request.headers
    assert receiver.received[1][0]["X-GitHub-Delivery"] == pushed.guid

    # Redeliver the push through PyGithub's requester: the same GUID arrives again.
    status, _, _ = gh.requester.requestJson("POST", f"{hook.url}/deliveries/{pushed.id}/attempts")
    assert status == 202, status
    again = receiver.wait_for(4)
    check_delivery(again, "push", ghes)
    assert again[0]["X-GitHub-Delivery"] == pushed.guid, again[0]
    newest = deliveries_of(repo, hook.id, 4)[0]
    assert (newest.guid, newest.redelivery) == (pushed.guid, True), newest

    # Delete; then GitHub answers 404 for the hook, and lists none.
    fetched.delete()
    try:
        repo.get_hook(hook.id).events
        raise AssertionError("the deleted hook is still there")
    except UnknownObjectException as error:
        assert error.status == 404, error
    assert list(repo.get_hooks()) == [], "the deleted hook is still listed"
    print(f"PyGithub repository hooks ({'GHES' if ghes else 'api.github.com'} paths): ok")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
