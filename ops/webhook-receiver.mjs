#!/usr/bin/env node
// A webhook receiver built on the Standard Webhooks reference library (npm `standardwebhooks`), the way an integrator
// would write one. It verifies every request's webhook-id / webhook-timestamp / webhook-signature against each --secret
// given (a rotation overlap: the old and the new), answers 204 when one verifies and 400 when none does, and appends one
// JSON line per request to --log (or stdout): {id, type, verified, secrets:[indexes that verified], data}.
// Contract: docs/webhooks.md.
//
// --delay-ms N holds every answer back N ms after logging the request (a slow receiver, for tests of attempts in flight).
// --clock-start T (RFC 3339 instant) starts the receiver's clock at T, running from there: the one the library checks
// webhook-timestamp against (5 minutes' tolerance). The integration tests run the ledger at another date (docs/testing.md).
//
//   cd ops && npm ci && node webhook-receiver.mjs --port 9000 --secret whsec_… [--secret whsec_…] [--log received.jsonl] [--delay-ms N]

import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    secret: { type: 'string', multiple: true, default: [] },
    log: { type: 'string' },
    'delay-ms': { type: 'string', default: '0' },
    'clock-start': { type: 'string' },
  },
});
if (values['clock-start']) {
  const start = Date.parse(values['clock-start']);
  if (Number.isNaN(start)) {
    console.error('--clock-start must be an RFC 3339 instant');
    process.exit(2);
  }
  const wall = Date.now;
  const shift = start - wall();
  Date.now = () => wall() + shift;
}
if (values.secret.length === 0) {
  console.error('at least one --secret whsec_… is required');
  process.exit(2);
}
const verifiers = values.secret.map((s) => new Webhook(s));
const delayMs = Number(values['delay-ms']);
if (!Number.isInteger(delayMs) || delayMs < 0) {
  console.error('--delay-ms must be a whole number of milliseconds');
  process.exit(2);
}

function record(entry) {
  const line = JSON.stringify(entry) + '\n';
  if (values.log) appendFileSync(values.log, line);
  else process.stdout.write(line);
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const verifiedBy = [];
    let payload = null;
    verifiers.forEach((verifier, index) => {
      try {
        payload = verifier.verify(body, request.headers);
        verifiedBy.push(index);
      } catch {
        // not signed by this secret (or a stale timestamp): another secret may verify it
      }
    });
    const verified = verifiedBy.length > 0;
    record({
      id: request.headers['webhook-id'] ?? null,
      timestamp: request.headers['webhook-timestamp'] ?? null,
      signatures: (request.headers['webhook-signature'] ?? '').split(' ').filter((s) => s).length,
      verified,
      secrets: verifiedBy,
      type: payload?.type ?? null,
      data: payload?.data ?? null,
    });
    setTimeout(() => response.writeHead(verified ? 204 : 400).end(), delayMs);
  });
});
server.listen(Number(values.port), values.host, () => console.error(`webhook receiver listening on http://${values.host}:${values.port}/`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
