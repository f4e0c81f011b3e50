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
// It then prints `load started: <instant>` when the measured load begins, so a profiler or a sampler of
// pg_stat_activity can be started on that line.
//
// --mode splits the hold cycle's cost: `cycle` (default) places holds and sends each granted hold's usage; `place`
// places holds only (ttl 1 h, no usage: they stay open; it ends when funding has read every placement); `usage` places
// no hold and sends the same usage (a requestId no hold carries, same chunks) at --rate events/s; `background` sends
// only the background below, for --seconds. --background-rate N adds N events/s of ingest in JSON arrays of
// --background-batch items (100, as ops/bench's holds phase does) over AMQP (--amqp, default $TOKENLEDGER_RABBITMQ; needs
// `npm ci` in ops/) to --background-tenants priced tenants, and waits until funding has read every one of them too.
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
  mode: { type: 'string', default: 'cycle' }, 'background-rate': { type: 'string', default: '0' },
  'background-batch': { type: 'string', default: '100' }, 'background-tenants': { type: 'string', default: '20' },
  amqp: { type: 'string', default: process.env.TOKENLEDGER_RABBITMQ ?? 'amqp://guest:guest@127.0.0.1:55672/' },
} });
const mode = o.mode;
if (!['cycle', 'place', 'usage', 'background'].includes(mode)) throw new Error(`--mode ${mode}: cycle, place, usage or background`);
const backgroundRate = Number(o['background-rate']), backgroundBatch = Number(o['background-batch']);
if (mode === 'background' && backgroundRate <= 0) throw new Error('--mode background needs --background-rate');
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
const backgroundTenants = backgroundRate > 0 ? Array.from({ length: Number(o['background-tenants']) }, (_, i) => `hl-${run}-bg-${i}`) : [];
for (const t of backgroundTenants) await must('PUT', `/api/tenants/${t}`, { name: t, retailPriceBookId: `hl-${run}` });
// Top-ups are funded asynchronously: wait until every wallet shows its money (and funding is idle) before measuring.
for (let waited = 0; ; waited++) {
  const b = await Promise.all(tenants.map((t) => must('GET', `/api/tenants/${t}/balance`)));
  if (b.every((x) => Number(x.wallet) > 0)) break;
  if (waited > 60) throw new Error('the top-ups were not funded within 60 s');
  await sleep(1000);
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
const total = mode === 'background' ? 0 : rate * seconds;
let backgroundSent = 0, loadDone = false;
let next = 0;
const started = performance.now();
if (measuring) console.log(`load started: ${new Date().toISOString()}`);
async function caller() {
  for (;;) {
    const i = next++;
    if (i >= total) return;
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const tenant = tenants[i % tenants.length], requestId = `hl-${run}-${i}`;
    if (mode === 'usage') {
      const usage = { eventId: `${requestId}-u`, occurredAt: new Date().toISOString(), tenantId: tenant, model,
        inputTokens: 1200, cachedInputTokens: 0, outputTokens: 300, requestId };
      pendingUsage.push({ at: performance.now(), usage, tenant });
      continue;
    }
    const t0 = performance.now();
    const hold = await call('POST', `/api/tenants/${tenant}/holds`,
      { requestId, model, maxInputTokens: 2000, maxOutputTokens: 1000, ...(mode === 'place' ? { ttlSeconds: 3600 } : {}) });
    latencies.push(performance.now() - t0);
    if (hold.status === 201 && mode === 'place') outcomes[201]++;
    else if (hold.status === 201) {
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
// Background ingest: arrays of --background-batch items over AMQP, persistent, with publisher confirms, paced per 100 ms.
async function background() {
  if (backgroundRate <= 0) return;
  const { default: amqp } = await import('amqplib');
  const connection = await amqp.connect(o.amqp);
  const channel = await connection.createConfirmChannel();
  const until = started + seconds * 1000;
  let sent = 0, n = 0;
  while (performance.now() < until) {
    const due = Math.floor(((performance.now() - started) / 1000) * backgroundRate / backgroundBatch);
    for (; sent < due; sent++) {
      const at = new Date().toISOString();
      const items = Array.from({ length: backgroundBatch }, () => ({ eventId: `hl-${run}-bg-${n}`, occurredAt: at,
        tenantId: backgroundTenants[n++ % backgroundTenants.length], model, inputTokens: 1200, cachedInputTokens: 0, outputTokens: 300 }));
      channel.sendToQueue('tokenledger.usage.v1', Buffer.from(JSON.stringify(items)), { persistent: true, contentType: 'application/json' });
      backgroundSent += backgroundBatch;
    }
    await channel.waitForConfirms();
    await sleep(100);
  }
  await channel.waitForConfirms();
  await connection.close();
}
const load = Promise.all([...Array.from({ length: connections }, caller), publisher()]).then(() => { loadDone = true; });
await Promise.all([load, background()]);
const elapsed = (performance.now() - started) / 1000;
if (total > 0) console.log(`${mode === 'usage' ? 'usage events' : 'holds'}: ${total} in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s asked ${rate}/s), ${connections} connections, ${tenantCount} tenants, mode ${mode}`);
if (backgroundSent > 0) console.log(`background: ${backgroundSent} events in arrays of ${backgroundBatch} over AMQP (${(backgroundSent / seconds).toFixed(0)}/s asked ${backgroundRate}/s)`);
if (latencies.length > 0) {
  const sorted = latencies.sort((a, b) => a - b);
  const p = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1);
  console.log(`answers: 201 ${outcomes[201]}, 402 ${outcomes[402]}, other ${outcomes.other}`);
  console.log(`hold latency: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms, max ${sorted.at(-1).toFixed(1)} ms`);
}

// Every hold ends: settled by its usage here (none is voided), and no wallet goes below zero.
const deadline = Date.now() + 120_000;
let open = Infinity;
while (Date.now() < deadline) {
  const balances = await Promise.all(tenants.map((t) => must('GET', `/api/tenants/${t}/balance`)));
  open = balances.reduce((s, b) => s + b.holds.open, 0);
  const funded = balances.reduce((s, b) => s + b.totals.fundedEvents, 0);
  const backgroundFunded = (await Promise.all(backgroundTenants.map((t) => must('GET', `/api/tenants/${t}/balance`))))
    .reduce((s, b) => s + b.totals.fundedEvents, 0);
  if (open === (mode === 'place' ? outcomes[201] : 0) && funded >= usageSent.length && backgroundFunded >= backgroundSent) {
    const negative = balances.filter((b) => Number(b.wallet) < 0 || Number(b.postpaid.unbilled) > 0);
    const charged = balances.reduce((s, b) => s + Number(b.totals.usageCharged), 0);
    console.log(`settled: ${usageSent.length} usage events funded, ${open} holds open; charged ${charged} CNY (expected ${usageSent.length * 1.5})` +
      (backgroundSent > 0 ? `; ${backgroundFunded} background events funded` : ''));
    console.log(negative.length === 0 ? 'no wallet below zero, nothing on postpaid' : `BELOW THE RULES: ${negative.map((b) => b.tenantId).join(', ')}`);
    if (measuring) {
      const end = cpu(), wall = (performance.now() - started) / 1000;
      const units = total > 0 ? total : backgroundSent;
      const unit = mode === 'background' ? 'background event' : mode === 'usage' ? 'usage event' : mode === 'place' ? 'placement' : 'hold cycle';
      const parts = Object.keys(end).map((k) => `${k} ${(((end[k] - cpuAtStart[k]) * 10_000) / units).toFixed(0)} µs` +
        ` (idle ${(idle[k] * 100).toFixed(1)} % of a core = ${((idle[k] * wall * 1e6) / units).toFixed(0)} µs of that)`);
      const all = Object.keys(end).reduce((s, k) => s + ((end[k] - cpuAtStart[k]) * 10_000 - idle[k] * wall * 1e6) / units, 0);
      console.log(`CPU per ${unit} over ${wall.toFixed(1)} s: ${parts.join(', ')}; all above idle ${all.toFixed(0)} µs` +
        (total > 0 && backgroundSent > 0 ? ` (background included, ${backgroundSent} events)` : ''));
    }
    process.exit(negative.length === 0 && charged === usageSent.length * 1.5 ? 0 : 1);
  }
  await sleep(1000);
}
console.log(`not settled within 120 s: ${open} holds still open`);
process.exit(1);
