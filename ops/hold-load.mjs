#!/usr/bin/env node
// Load for holds, the way gateways use them: --rate holds per second from --connections concurrent callers, spread
// over --tenants prepaid tenants; each granted hold is followed by its usage (same requestId, fewer tokens) --settle-ms
// later. Prints p50/p95/p99 of the hold's HTTP latency, then waits until every hold is settled or released and checks
// that no tenant's wallet went below zero and that each tenant's charges equal its usage. Plain Node 20+, no packages.
//
//   node ops/hold-load.mjs --base http://127.0.0.1:5080 --key "$KEY" [--rate 1000] [--seconds 10] [--connections 16]
//
// With --service-pid, --postgres-pid (the postmaster: its backends and the children that exited are counted) and
// --rabbitmq-pid (any of them), it also prints the CPU time (utime + stime from /proc) each process spent per hold
// cycle, from the first hold until every hold was settled, and the idle floor it measured for 5 s before the load
// (meaningful on a service that has settled: right after start-up or another run it is still busy).
//
// It creates its own price book (1 CNY per 1,000 tokens) and tenants (hl-<run>-<n>, credit limit 0).
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({ options: {
  base: { type: 'string', default: 'http://127.0.0.1:5080' },
  key: { type: 'string', default: process.env.TOKENLEDGER_ADMIN_KEY ?? '' },
  rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' },
  connections: { type: 'string', default: '16' }, tenants: { type: 'string', default: '20' },
  wallet: { type: 'string', default: '100000' }, 'settle-ms': { type: 'string', default: '2000' },
  'service-pid': { type: 'string' }, 'postgres-pid': { type: 'string' }, 'rabbitmq-pid': { type: 'string' },
} });
const rate = Number(o.rate), seconds = Number(o.seconds), connections = Number(o.connections), tenantCount = Number(o.tenants);
const headers = { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' };
const call = async (method, path, body) => {
  const response = await fetch(`${o.base}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
};
const must = async (method, path, body) => {
  const r = await call(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const run = randomBytes(3).toString('hex');
const model = 'hold-load-model';

await must('PUT', `/api/price-books/hl-${run}`, { currency: 'CNY', effectiveFrom: '2026-01-01T00:00:00Z',
  prices: [{ model, inputPerMillion: '1000', cachedInputPerMillion: '1000', cacheWritePerMillion: '1000', outputPerMillion: '1000' }] });
const tenants = Array.from({ length: tenantCount }, (_, i) => `hl-${run}-${i}`);
for (const t of tenants) {
  await must('PUT', `/api/tenants/${t}`, { name: t, retailPriceBookId: `hl-${run}` });
  await must('PUT', `/api/tenants/${t}/credit-terms`, { creditLimit: '0', drawdownOrder: ['packages', 'credits', 'wallet'] });
  await must('POST', `/api/tenants/${t}/top-ups`, { amount: o.wallet, currency: 'CNY', reference: `hl-${t}` });
}

// CPU clock ticks (1/100 s) of the processes named by --*-pid; PostgreSQL's are the postmaster's, its children's and
// those of the children that exited.
const ticksOf = (pid, withExited = false) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]) + (withExited ? Number(f[13]) + Number(f[14]) : 0);
  } catch { return 0; }
};
const childrenOf = (pid) => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
  try { return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid); } catch { return false; }
});
const processes = { service: o['service-pid'], postgres: o['postgres-pid'], rabbitmq: o['rabbitmq-pid'] };
const cpu = () => Object.fromEntries(Object.entries(processes).filter(([, pid]) => pid).map(([name, pid]) =>
  [name, name === 'postgres' ? ticksOf(pid, true) + childrenOf(pid).reduce((sum, c) => sum + ticksOf(c), 0) : ticksOf(pid)]));
const measuring = Object.values(processes).some(Boolean);
let idle = null;
if (measuring) {
  const before = cpu(), t0 = performance.now();
  await sleep(5000);
  const after = cpu(), s = (performance.now() - t0) / 1000;
  idle = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / 100 / s]));
}
const cpuAtStart = measuring ? cpu() : null;

const latencies = [], outcomes = { 201: 0, 402: 0, other: 0 }, usageSent = [], pendingUsage = [];
const total = rate * seconds;
let next = 0;
const started = performance.now();
async function caller() {
  for (;;) {
    const i = next++;
    if (i >= total) return;
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const tenant = tenants[i % tenants.length], requestId = `hl-${run}-${i}`;
    const t0 = performance.now();
    const hold = await call('POST', `/api/tenants/${tenant}/holds`, { requestId, model, maxInputTokens: 2000, maxOutputTokens: 1000 });
    latencies.push(performance.now() - t0);
    if (hold.status === 201) {
      outcomes[201]++;
      const usage = { eventId: `${requestId}-u`, occurredAt: new Date().toISOString(), tenantId: tenant, model,
        inputTokens: 1200, cachedInputTokens: 0, outputTokens: 300, requestId };
      pendingUsage.push({ at: performance.now() + Number(o['settle-ms']), usage, tenant, holdId: hold.body.holdId });
    } else outcomes[hold.status === 402 ? 402 : 'other']++;
  }
}
async function publisher() {
  while (next < total || pendingUsage.length > 0) {
    const now = performance.now();
    const ready = [];
    while (pendingUsage.length > 0 && pendingUsage[0].at <= now) ready.push(pendingUsage.shift());
    for (let i = 0; i < ready.length; i += 500) {
      const chunk = ready.slice(i, i + 500);
      await must('POST', '/api/usage', chunk.map((p) => p.usage));
      usageSent.push(...chunk);
    }
    await sleep(50);
  }
}
await Promise.all([...Array.from({ length: connections }, caller), publisher()]);
const elapsed = (performance.now() - started) / 1000;
const sorted = latencies.sort((a, b) => a - b);
const p = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1);
console.log(`holds: ${total} in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s asked ${rate}/s), ${connections} connections, ${tenantCount} tenants`);
console.log(`answers: 201 ${outcomes[201]}, 402 ${outcomes[402]}, other ${outcomes.other}`);
console.log(`hold latency: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms, max ${sorted.at(-1).toFixed(1)} ms`);

// Every hold ends: settled by its usage here (none is voided), and no wallet goes below zero.
const deadline = Date.now() + 120_000;
let open = Infinity;
while (Date.now() < deadline) {
  const balances = await Promise.all(tenants.map((t) => must('GET', `/api/tenants/${t}/balance`)));
  open = balances.reduce((s, b) => s + b.holds.open, 0);
  const funded = balances.reduce((s, b) => s + b.totals.fundedEvents, 0);
  if (open === 0 && funded >= usageSent.length) {
    const negative = balances.filter((b) => Number(b.wallet) < 0 || Number(b.postpaid.unbilled) > 0);
    const charged = balances.reduce((s, b) => s + Number(b.totals.usageCharged), 0);
    console.log(`settled: ${usageSent.length} usage events funded, 0 holds open; charged ${charged} CNY (expected ${usageSent.length * 1.5})`);
    console.log(negative.length === 0 ? 'no wallet below zero, nothing on postpaid' : `BELOW THE RULES: ${negative.map((b) => b.tenantId).join(', ')}`);
    if (measuring) {
      const end = cpu(), wall = (performance.now() - started) / 1000;
      const parts = Object.keys(end).map((k) => `${k} ${(((end[k] - cpuAtStart[k]) * 10_000) / total).toFixed(0)} µs` +
        ` (idle ${(idle[k] * 100).toFixed(1)} % of a core = ${((idle[k] * wall * 1e6) / total).toFixed(0)} µs of that)`);
      console.log(`CPU per hold cycle over ${wall.toFixed(1)} s: ${parts.join(', ')}`);
    }
    process.exit(negative.length === 0 && charged === usageSent.length * 1.5 ? 0 : 1);
  }
  await sleep(1000);
}
console.log(`not settled within 120 s: ${open} holds still open`);
process.exit(1);
