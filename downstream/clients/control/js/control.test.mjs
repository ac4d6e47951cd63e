// The hookspec-mock binary tested from JavaScript as any project would, with node's built-in
// test runner: one fake for the file, started with ../seed.yaml, reset to that seed before
// every test; GitHub's API to act, the control API (/_hookspec/) to see and steer what the fake
// did.
//
//   cd downstream/clients/control/js
//   HOOKSPEC_MOCK=../../../../target/debug/hookspec-mock node --test

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Fake, Receiver } from './hookspec_fake.mjs';

const SEED = fileURLToPath(new URL('../seed.yaml', import.meta.url));
// What the seed gives: one org with one hook, one repository without hooks, one token.
const TOKEN = 'ghp_owner';
const ORG = 'acme';
const REPO = 'acme/widgets';
const SEEDED_HOOK_URL = 'http://127.0.0.1:9/hook';
// Another URL for hooks the tests create (one URL per org: GitHub refuses a second hook on it).
const NEW_HOOK_URL = 'http://127.0.0.1:9/new';
const SECRET = 's3cret';

let fake;
let receiver;

before(async () => {
  fake = await Fake.start(SEED, TOKEN);
  receiver = await Receiver.start();
});

after(async () => {
  await receiver?.stop();
  await fake?.stop();
});

beforeEach(async () => {
  assert.equal((await fake.control('POST', 'reset')).status, 204);
  receiver.received.length = 0;
});

function hookBody(url, fields = {}) {
  return { name: 'web', config: { url, content_type: 'json', secret: SECRET }, ...fields };
}

/** A hook on the seeded repository that delivers to the receiver. */
async function createRepoHook() {
  const created = await fake.github('POST', `/repos/${REPO}/hooks`, hookBody(receiver.url));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

const urls = (hooks) => hooks.map((hook) => hook.config.url);

test('the seeded hook is listed through the GitHub API', async () => {
  const listed = await fake.github('GET', `/orgs/${ORG}/hooks`);
  assert.equal(listed.status, 200);
  assert.deepEqual(urls(listed.body), [SEEDED_HOOK_URL]);
  assert.deepEqual(listed.body[0].events, ['push']);
  assert.equal(listed.body[0].config.secret, '********');
  // The seed lists the orgs that exist and the one token accepted.
  assert.equal((await fake.github('GET', '/orgs/other/hooks')).status, 404);
  assert.equal((await fake.github('GET', `/orgs/${ORG}/hooks`, undefined, 'ghp_unknown')).status, 401);
});

test('a new hook gets a ping signed with its secret', async () => {
  const hook = await createRepoHook();
  const [recorded, ...more] = await fake.waitForDeliveries();
  assert.deepEqual(more, []);
  assert.equal(receiver.received.length, 1);
  const [ping] = receiver.received;
  assert.equal(ping.event, 'ping');
  assert.ok(ping.signedWith(SECRET), JSON.stringify(ping.headers));
  assert.ok(!ping.signedWith('not-the-secret'));
  assert.equal(ping.payload.hook_id, hook.id);
  assert.deepEqual([recorded.hook_id, recorded.event, recorded.status_code], [hook.id, 'ping', 200]);
});

test('an event emitted without a body arrives signed with a payload the fake made', async () => {
  const hook = await createRepoHook();
  await fake.waitForDeliveries();
  const emitted = await fake.control('POST', `repos/${REPO}/events/push`);
  assert.equal(emitted.status, 202, JSON.stringify(emitted.body));
  assert.equal(emitted.body.deliveries.length, 1);
  const recorded = await fake.waitForDeliveries();
  assert.deepEqual(recorded.map((delivery) => delivery.event), ['ping', 'push']);
  assert.equal(receiver.received.length, 2);
  const push = receiver.received[1];
  assert.equal(push.event, 'push');
  assert.ok(push.signedWith(SECRET), JSON.stringify(push.headers));
  assert.equal(push.headers['x-github-hook-id'], String(hook.id));
  assert.equal(push.headers['x-github-delivery'], recorded[1].guid);
  assert.ok('ref' in push.payload, JSON.stringify(push.payload));
  assert.equal(push.payload.repository.full_name, REPO);
});

test('the journal shows a create with 201 and a bad create with its reason', async () => {
  const good = await fake.github('POST', `/orgs/${ORG}/hooks`, hookBody(NEW_HOOK_URL, { events: ['issues'] }));
  const bad = await fake.github('POST', `/orgs/${ORG}/hooks`, hookBody(NEW_HOOK_URL, { name: 'nope' }));
  assert.deepEqual([good.status, bad.status], [201, 422]);
  const journal = await fake.control('GET', 'requests', undefined, { operation: 'orgs/create-webhook' });
  assert.equal(journal.status, 200);
  assert.deepEqual(
    journal.body.map((entry) => [entry.method, entry.path, entry.status]),
    [['POST', `/orgs/${ORG}/hooks`, 201], ['POST', `/orgs/${ORG}/hooks`, 422]],
  );
  assert.equal(journal.body[0].reason, null);
  assert.match(journal.body[1].reason, /name/);
  const only422 = await fake.control('GET', 'requests', undefined, { status: 422, org: ORG });
  assert.deepEqual(only422.body.map((entry) => entry.operation), ['orgs/create-webhook']);
  assert.equal((await fake.control('DELETE', 'requests')).status, 204);
  assert.deepEqual((await fake.control('GET', 'requests')).body, []);
});

test('a fault fails the next create with 502 and only that one', async () => {
  const fault = { operation: 'orgs/create-webhook', status: 502, times: 1 };
  assert.equal((await fake.control('POST', 'faults', fault)).status, 201);
  const body = hookBody(NEW_HOOK_URL, { events: ['issues'] });
  assert.equal((await fake.github('POST', `/orgs/${ORG}/hooks`, body)).status, 502);
  assert.equal((await fake.github('POST', `/orgs/${ORG}/hooks`, body)).status, 201);
  const journal = await fake.control('GET', 'requests', undefined, { operation: 'orgs/create-webhook' });
  assert.deepEqual(journal.body.map((entry) => entry.status), [502, 201]);
  assert.equal((await fake.control('DELETE', 'faults')).status, 204);
});

test('a state put is what get state gives back', async () => {
  const handWritten = {
    orgs: [{ login: 'octo', hooks: [{ events: ['issues'], config: { url: NEW_HOOK_URL } }] }],
    repos: [{ full_name: 'octo/app', hooks: [] }],
  };
  assert.equal((await fake.control('PUT', 'state', handWritten)).status, 204);
  const [hook, ...more] = (await fake.github('GET', '/orgs/octo/hooks')).body;
  assert.deepEqual(more, []);
  assert.deepEqual([hook.events, hook.config.url], [['issues'], NEW_HOOK_URL]);
  const exported = await fake.control('GET', 'state');
  assert.equal(exported.status, 200);
  assert.deepEqual(exported.body.orgs.map((org) => org.login), ['octo']);
  assert.equal((await fake.control('PUT', 'state', exported.body)).status, 204);
  assert.deepEqual((await fake.control('GET', 'state')).body, exported.body);
});

test('reset of one org leaves the repositories as they are', async () => {
  await createRepoHook();
  await fake.github('POST', `/orgs/${ORG}/hooks`, hookBody(receiver.url, { events: ['issues'] }));
  assert.equal((await fake.control('POST', 'reset', undefined, { org: ORG })).status, 204);
  assert.deepEqual(urls((await fake.github('GET', `/orgs/${ORG}/hooks`)).body), [SEEDED_HOOK_URL]);
  assert.equal((await fake.github('GET', `/repos/${REPO}/hooks`)).body.length, 1);
  await fake.waitForDeliveries();
});

// node:test runs a file's tests one after another, in the order written.
test('reset isolates tests: a hook created here', async () => {
  const created = await fake.github('POST', `/orgs/${ORG}/hooks`, hookBody(NEW_HOOK_URL));
  assert.equal(created.status, 201);
  assert.equal((await fake.github('GET', `/orgs/${ORG}/hooks`)).body.length, 2);
});

test('reset isolates tests: is gone in the next test', async () => {
  assert.deepEqual(urls((await fake.github('GET', `/orgs/${ORG}/hooks`)).body), [SEEDED_HOOK_URL]);
});
