#!/usr/bin/env node
// A gateway's call sequence with holds: hold → call the model → publish usage, then watch the hold settle.
// Plain Node 20+ (fetch), no packages. See docs/holds.md.
//
//   node ops/hold-demo.mjs --key "$KEY" --tenant holds-demo [--base http://127.0.0.1:5080] [--model deepseek-v4-pro]
//
// The tenant needs a retail price book with the model (README "Prices, charges and margins", docs/holds.md).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({ options: {
  base: { type: 'string', default: 'http://127.0.0.1:5080' },
  key: { type: 'string', default: process.env.TOKENLEDGER_ADMIN_KEY ?? '' },
  tenant: { type: 'string', default: 'holds-demo' },
  model: { type: 'string', default: 'deepseek-v4-pro' },
} });
const headers = { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' };
const call = async (method, path, body) => {
  const started = performance.now();
  const response = await fetch(`${o.base}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, ms: performance.now() - started };
};

// 1. Reserve before calling the model: the request's id, the model and the most tokens it may use.
const requestId = `chat-${randomUUID()}`;
const hold = await call('POST', `/api/tenants/${o.tenant}/holds`,
  { requestId, model: o.model, maxInputTokens: 8000, maxOutputTokens: 2000, ttlSeconds: 120 });
console.log(`hold       ${hold.status} in ${hold.ms.toFixed(1)} ms`, hold.body);
if (hold.status !== 201) {
  // 402: hold.body.reason is insufficient-funds, credit-limit-reached, cap-reached or suspended. Do not call the model.
  console.log(`refused: ${hold.body?.reason ?? hold.body?.title}; the gateway answers its client without calling the model`);
  process.exit(hold.status === 402 ? 0 : 1);
}

// 2. Call the model (simulated here: it used fewer tokens than the hold allowed).
const used = { inputTokens: 5200, cachedInputTokens: 0, outputTokens: 700 };
await new Promise((resolve) => setTimeout(resolve, 300));

// 3. Publish the usage with the same requestId (HTTP here; the RabbitMQ queue tokenledger.usage.v1 works the same).
const usage = await call('POST', '/api/usage', [{ eventId: `${requestId}-usage`, occurredAt: new Date().toISOString(),
  tenantId: o.tenant, model: o.model, ...used, requestId }]);
console.log(`usage      ${usage.status}`, usage.body);

// 4. Watch the ledger settle the hold: charged the actual usage, the rest released.
for (let i = 0; i < 50; i++) {
  const detail = await call('GET', `/api/tenants/${o.tenant}/holds/${hold.body.holdId}`);
  if (detail.body?.status === 'settled') {
    const settled = detail.body.events.find((e) => e.type === 'hold_settled').data;
    console.log(`settled    held ${settled.held}, charged ${settled.charged}, released ${settled.released} ${hold.body.currency}`);
    const holds = await call('GET', `/api/tenants/${o.tenant}/holds`);
    console.log(`available  ${holds.body.available} ${holds.body.currency} (funds ${holds.body.funds}, held ${holds.body.held})`);
    process.exit(0);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.log('the hold was not settled within 10 s');
process.exit(1);
