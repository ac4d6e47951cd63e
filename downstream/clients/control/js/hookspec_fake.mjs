// The hookspec-mock binary from JavaScript, with Node's built-in modules only: start it with a
// seed file, call GitHub's API and the fake's control API (/_hookspec/) on it, and receive its
// webhooks. The binary is $HOOKSPEC_MOCK, or hookspec-mock on PATH
// (cargo install --path mock --features cli).

import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

/** A running hookspec-mock binary on a free loopback port, started with `seed`. */
export class Fake {
  static async start(seed, token) {
    const binary = process.env.HOOKSPEC_MOCK || 'hookspec-mock';
    // --port 0 picks a free port; the first line says which: "listening on http://HOST:PORT".
    const child = spawn(binary, ['--port', '0', '--quiet', '--seed', seed], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    // `once` rejects when the child emits 'error' (no such binary).
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => line),
      once(child, 'exit').then(() => 'it exited'),
    ]).catch((error) => `${error.message} (set HOOKSPEC_MOCK to the hookspec-mock binary)`);
    if (!first.startsWith('listening on ')) {
      child.kill();
      throw new Error(`${binary} --seed ${seed} did not start: ${first}`);
    }
    // Keeps reading what it prints, so that its pipe never fills.
    lines.on('line', () => {});
    return new Fake(child, first.slice('listening on '.length).trim(), token);
  }

  constructor(child, base, token) {
    this.child = child;
    this.base = base;
    this.token = token;
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill();
      await exited;
    }
  }

  /** Calls GitHub's API (`/orgs/acme/hooks`) with the token (or `token`). */
  github(method, path, body, token = this.token) {
    return this.#call(method, path, body, { authorization: `Bearer ${token}` });
  }

  /** Calls the control API: `control('POST', 'reset')`, `control('GET', 'requests', undefined, { status: 422 })`. */
  control(method, path, body, query = {}) {
    const search = new URLSearchParams(query).toString();
    return this.#call(method, `/_hookspec/${path}${search ? `?${search}` : ''}`, body, {});
  }

  /** Every stored delivery, once none is on its way (the fake waits, up to `waitMs`). */
  async waitForDeliveries(waitMs = 10_000) {
    const answer = await this.control('GET', 'deliveries', undefined, { wait_ms: waitMs });
    if (answer.status !== 200 || answer.body.pending !== 0) {
      throw new Error(`deliveries still pending after ${waitMs} ms: ${JSON.stringify(answer)}`);
    }
    return answer.body.deliveries;
  }

  async #call(method, path, body, headers) {
    const init = { method, headers };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(this.base + path, init);
    const text = await response.text();
    return { status: response.status, body: text.trim() ? JSON.parse(text) : null };
  }
}

/** One webhook as a receiver got it: its headers (names in lower case) and the exact bytes of its body. */
export class Delivery {
  constructor(headers, body) {
    this.headers = headers;
    this.body = body;
  }

  get event() {
    return this.headers['x-github-event'];
  }

  get payload() {
    return JSON.parse(this.body.toString('utf8'));
  }

  /** Whether X-Hub-Signature-256 is the HMAC-SHA256 of the raw body under `secret`. */
  signedWith(secret) {
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(this.body).digest('hex')}`);
    const given = Buffer.from(this.headers['x-hub-signature-256'] ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** A webhook receiver on 127.0.0.1 that answers 200 and keeps every delivery in `received`. */
export class Receiver {
  static async start() {
    const received = [];
    const server = createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        // Kept before answering: once the fake records the delivery, it is here.
        received.push(new Delivery(request.headers, Buffer.concat(chunks)));
        response.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new Receiver(server, received);
  }

  constructor(server, received) {
    this.server = server;
    this.received = received;
    this.url = `http://127.0.0.1:${server.address().port}/webhook`;
  }

  async stop() {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }
}
