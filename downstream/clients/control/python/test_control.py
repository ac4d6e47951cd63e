"""The hookspec-mock binary tested from Python as any project would: one fake for the module,
started with ../seed.yaml, reset to that seed before every test; GitHub's API to act, the
control API (/_hookspec/) to see and steer what the fake did.

    cd downstream/clients/control/python
    HOOKSPEC_MOCK=../../../../target/debug/hookspec-mock python3 -m unittest -v
"""

import os
import unittest

from hookspec_fake import Fake, Receiver

SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seed.yaml")
# What the seed gives: one org with one hook, one repository without hooks, one token.
TOKEN = "ghp_owner"
ORG = "acme"
REPO = "acme/widgets"
SEEDED_HOOK_URL = "http://127.0.0.1:9/hook"
# Another URL for hooks the tests create (one URL per org: GitHub refuses a second hook on it).
NEW_HOOK_URL = "http://127.0.0.1:9/new"
SECRET = "s3cret"

fake = None
receiver = None


def setUpModule():
    global fake, receiver
    fake = Fake(SEED, TOKEN)  # hookspec-mock --port 0 --quiet --seed ../seed.yaml
    # Module cleanups run even when the rest of setUpModule fails.
    unittest.addModuleCleanup(fake.stop)
    receiver = Receiver()
    unittest.addModuleCleanup(receiver.stop)


def hook_body(url, **fields):
    return {"name": "web", "config": {"url": url, "content_type": "json", "secret": SECRET}, **fields}


class ControlApiTest(unittest.TestCase):
    def setUp(self):
        self.assertEqual(fake.control("POST", "reset").status, 204)
        receiver.received.clear()

    def create_repo_hook(self):
        """A hook on the seeded repository that delivers to the receiver."""
        created = fake.github("POST", f"/repos/{REPO}/hooks", hook_body(receiver.url))
        self.assertEqual(created.status, 201, created.body)
        return created.body

    def test_the_seeded_hook_is_listed_through_githubs_api(self):
        listed = fake.github("GET", f"/orgs/{ORG}/hooks")
        self.assertEqual(listed.status, 200, listed.body)
        self.assertEqual([hook["config"]["url"] for hook in listed.body], [SEEDED_HOOK_URL])
        self.assertEqual(listed.body[0]["events"], ["push"])
        self.assertEqual(listed.body[0]["config"]["secret"], "********")
        # The seed lists the orgs that exist and the one token accepted.
        self.assertEqual(fake.github("GET", "/orgs/other/hooks").status, 404)
        self.assertEqual(fake.github("GET", f"/orgs/{ORG}/hooks", token="ghp_unknown").status, 401)

    def test_a_new_hook_gets_a_ping_signed_with_its_secret(self):
        hook = self.create_repo_hook()
        [recorded] = fake.wait_for_deliveries()
        [ping] = receiver.received
        self.assertEqual(ping.event, "ping")
        self.assertTrue(ping.signed_with(SECRET), ping.headers)
        self.assertFalse(ping.signed_with("not-the-secret"))
        self.assertEqual(ping.payload["hook_id"], hook["id"])
        self.assertEqual((recorded["hook_id"], recorded["event"]), (hook["id"], "ping"))
        self.assertEqual(recorded["status_code"], 200)

    def test_an_event_emitted_without_a_body_arrives_signed_with_a_payload_the_fake_made(self):
        hook = self.create_repo_hook()
        fake.wait_for_deliveries()  # the creation ping
        emitted = fake.control("POST", f"repos/{REPO}/events/push")
        self.assertEqual(emitted.status, 202, emitted.body)
        self.assertEqual(len(emitted.body["deliveries"]), 1, emitted.body)
        recorded = fake.wait_for_deliveries()
        self.assertEqual([d["event"] for d in recorded], ["ping", "push"])
        push = receiver.received[-1]
        self.assertEqual((push.event, len(receiver.received)), ("push", 2))
        self.assertTrue(push.signed_with(SECRET), push.headers)
        self.assertEqual(push.headers["X-GitHub-Hook-ID"], str(hook["id"]))
        self.assertEqual(push.headers["X-GitHub-Delivery"], recorded[-1]["guid"])
        self.assertIn("ref", push.payload)
        self.assertEqual(push.payload["repository"]["full_name"], REPO)

    def test_the_journal_shows_a_create_with_201_and_a_bad_create_with_its_reason(self):
        good = fake.github("POST", f"/orgs/{ORG}/hooks", hook_body(NEW_HOOK_URL, events=["issues"]))
        bad = fake.github("POST", f"/orgs/{ORG}/hooks", hook_body(NEW_HOOK_URL, name="nope"))
        self.assertEqual((good.status, bad.status), (201, 422))
        journal = fake.control("GET", "requests", operation="orgs/create-webhook")
        self.assertEqual(journal.status, 200, journal.body)
        self.assertEqual([(e["method"], e["path"], e["status"]) for e in journal.body],
                         [("POST", f"/orgs/{ORG}/hooks", 201), ("POST", f"/orgs/{ORG}/hooks", 422)])
        self.assertIsNone(journal.body[0]["reason"])
        self.assertIn("name", journal.body[1]["reason"])
        only_422 = fake.control("GET", "requests", status=422, org=ORG)
        self.assertEqual([e["operation"] for e in only_422.body], ["orgs/create-webhook"])
        self.assertEqual(fake.control("DELETE", "requests").status, 204)
        self.assertEqual(fake.control("GET", "requests").body, [])

    def test_a_fault_fails_the_next_create_with_502_and_only_that_one(self):
        fault = {"operation": "orgs/create-webhook", "status": 502, "times": 1}
        self.assertEqual(fake.control("POST", "faults", fault).status, 201)
        body = hook_body(NEW_HOOK_URL, events=["issues"])
        self.assertEqual(fake.github("POST", f"/orgs/{ORG}/hooks", body).status, 502)
        self.assertEqual(fake.github("POST", f"/orgs/{ORG}/hooks", body).status, 201)
        statuses = [e["status"] for e in fake.control("GET", "requests", operation="orgs/create-webhook").body]
        self.assertEqual(statuses, [502, 201])
        self.assertEqual(fake.control("DELETE", "faults").status, 204)

    def test_a_state_put_is_what_get_state_gives_back(self):
        hand_written = {
            "orgs": [{"login": "octo", "hooks": [{"events": ["issues"], "config": {"url": NEW_HOOK_URL}}]}],
            "repos": [{"full_name": "octo/app", "hooks": []}],
        }
        self.assertEqual(fake.control("PUT", "state", hand_written).status, 204)
        [hook] = fake.github("GET", "/orgs/octo/hooks").body
        self.assertEqual((hook["events"], hook["config"]["url"]), (["issues"], NEW_HOOK_URL))
        exported = fake.control("GET", "state")
        self.assertEqual(exported.status, 200, exported.body)
        self.assertEqual([org["login"] for org in exported.body["orgs"]], ["octo"])
        self.assertEqual(fake.control("PUT", "state", exported.body).status, 204)
        self.assertEqual(fake.control("GET", "state").body, exported.body)

    def test_reset_of_one_org_leaves_the_repositories_as_they_are(self):
        self.create_repo_hook()
        fake.github("POST", f"/orgs/{ORG}/hooks", hook_body(receiver.url, events=["issues"]))
        self.assertEqual(fake.control("POST", "reset", org=ORG).status, 204)
        self.assertEqual([h["config"]["url"] for h in fake.github("GET", f"/orgs/{ORG}/hooks").body],
                         [SEEDED_HOOK_URL])
        self.assertEqual(len(fake.github("GET", f"/repos/{REPO}/hooks").body), 1)
        fake.wait_for_deliveries()

    # unittest runs a class's tests in the order of their names: these two run one after the other.
    def test_reset_isolates_tests_1_a_hook_created_here(self):
        self.assertEqual(fake.github("POST", f"/orgs/{ORG}/hooks", hook_body(NEW_HOOK_URL)).status, 201)
        self.assertEqual(len(fake.github("GET", f"/orgs/{ORG}/hooks").body), 2)

    def test_reset_isolates_tests_2_is_gone_in_the_next_test(self):
        listed = fake.github("GET", f"/orgs/{ORG}/hooks").body
        self.assertEqual([hook["config"]["url"] for hook in listed], [SEEDED_HOOK_URL])


if __name__ == "__main__":
    unittest.main()
