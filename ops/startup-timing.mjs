#!/usr/bin/env node
// Start-up and first-delivery timing of the built service (ops/startup-timing runs it; see there).
//
//   node startup-timing.mjs --dll …/TokenLedger.Api.dll [--dll OTHER.dll] --url http://127.0.0.1:55078 --key tl_admin_… [--runs 5]
//
// With two or more --dll (builds to compare, e.g. before and after a change), each run restarts every build in turn on the
// same database, so that they share the box's load of the moment.
// One set-up start (empty database: schema created, a price book, a tenant with a wallet), then --runs restarts. Each
// restart measures, from the spawn of `dotnet TokenLedger.Api.dll`:
//   banner   the start-up banner on stdout (the host's ApplicationStarted),
//   ready    the first 200 from GET /health/ready,
// and, for ONE usage event published to tokenledger.usage.v1 the moment it is ready (the first delivery), from the publish:
//   ingested the event in GET /api/tenants/{t}/usage,
//   funded   its charge drawn from the wallet (GET /api/tenants/{t}/balance: the Funding subscription ran),
// the CPU time the service used until ready and for the delivery, and whether it then had Roslyn loaded (code compiled
// at run time). Prints one line per run and the medians; --json FILE also writes them.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';

const { values } = parseArgs({
  options: {
    dll: { type: 'string', multiple: true },
    url: { type: 'string' },
    key: { type: 'string' },
    rabbit: { type: 'string', default: process.env.TOKENLEDGER_RABBITMQ },
    runs: { type: 'string', default: '5' },
    log: { type: 'string', default: '/dev/null' },
    json: { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!values.dll?.length || !values.url || !values.key || !values.rabbit || !(runs >= 1)) {
  console.error('usage: node startup-timing.mjs --dll DLL --url URL --key ADMIN_KEY [--rabbit AMQP_URL] [--runs N] [--log FILE] [--json FILE]');
  process.exit(2);
}

const TENANT = 'startup-timing';
const QUEUE = 'tokenledger.usage.v1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const since = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
// CPU time (user + system) a process has used, in ms: /proc/PID/stat fields 14 and 15, in clock ticks of 10 ms. On a
// busy box it says more about the start-up's own cost than the wall-clock time does.
const cpu = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
// A service still running when this script ends (an error) is stopped with it.
const running = new Set();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

const headers = { authorization: `Bearer ${values.key}`, 'content-type': 'application/json' };

async function api(method, path, body) {
  const response = await fetch(values.url + path, {
    method, headers: { ...headers, 'idempotency-key': `${TENANT}-${method}-${path}` }, body: body && JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// Spawns the service from its build folder (the content root, as ops/bench does) and resolves when it answers ready.
async function start(dll) {
  const t0 = process.hrtime.bigint();
  const child = spawn('dotnet', [dll], {
    cwd: dirname(dll),
    env: { ...process.env, TOKENLEDGER_URLS: values.url, TOKENLEDGER_ADMIN_KEY: values.key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timing = { banner: null, ready: null, readyCpu: null };
  let output = '';
  const onData = (chunk) => {
    output += chunk;
    if (timing.banner === null && output.includes('TokenLedger is running')) timing.banner = since(t0);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = false;
  running.add(child);
  child.on('exit', () => { exited = true; running.delete(child); });
  while (timing.ready === null) {
    if (exited) throw new Error(`the service exited while starting:\n${output.slice(-3000)}`);
    if (since(t0) > 180_000) throw new Error(`not ready after 180 s:\n${output.slice(-3000)}`);
    try {
      const response = await fetch(`${values.url}/health/ready`);
      if (response.status === 200) {
        timing.ready = since(t0);
        timing.readyCpu = cpu(child.pid);
      }
    } catch { /* not listening yet */ }
    if (timing.ready === null) await sleep(20);
  }
  const stop = async () => {
    child.kill('SIGTERM');
    while (!exited) await sleep(50);
    writeFileSync(values.log, output, { flag: 'a' });
  };
  return { timing, stop, pid: child.pid };
}

async function usageEvents() {
  const usage = await api('GET', `/api/tenants/${TENANT}/usage?from=2026-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`);
  return usage.models.reduce((n, m) => n + m.events, 0);
}

async function wallet() {
  return (await api('GET', `/api/tenants/${TENANT}/balance`)).wallet;
}

// True if the process has mapped Roslyn (Microsoft.CodeAnalysis.CSharp.dll): code was compiled at run time.
const roslynLoaded = (pid) => readFileSync(`/proc/${pid}/maps`, 'utf8').includes('Microsoft.CodeAnalysis.CSharp.dll');

// Publishes one usage event and measures until it is ingested and funded.
async function firstDelivery(channel, run, pid) {
  const before = { events: await usageEvents(), wallet: await wallet() };
  const event = {
    eventId: `startup-timing-${Date.now()}-${run}`, occurredAt: new Date().toISOString(), tenantId: TENANT,
    model: 'deepseek-v4-pro', inputTokens: 1000, cachedInputTokens: 0, outputTokens: 1000,
  };
  const t0 = process.hrtime.bigint();
  const cpu0 = cpu(pid);
  channel.sendToQueue(QUEUE, Buffer.from(JSON.stringify(event)), { persistent: true, contentType: 'application/json' });
  await channel.waitForConfirms();
  const result = { ingested: null, funded: null, deliveryCpu: null };
  while (result.funded === null || result.ingested === null) {
    if (since(t0) > 60_000) throw new Error(`event ${event.eventId} not ingested and funded within 60 s`);
    if (result.ingested === null && (await usageEvents()) > before.events) result.ingested = since(t0);
    if (result.funded === null && (await wallet()) < before.wallet) {
      result.funded = since(t0);
      result.deliveryCpu = cpu(pid) - cpu0;
    }
    await sleep(10);
  }
  return result;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const line = (label, r) => `${label} banner ${fmt(r.banner)}  ready ${fmt(r.ready)} (cpu ${fmt(r.readyCpu)})  `
  + `first delivery: ingested ${fmt(r.ingested)}  funded ${fmt(r.funded)} (cpu ${fmt(r.deliveryCpu)})`
  + (r.roslyn === undefined ? '' : `  Roslyn loaded: ${r.roslyn ? 'yes' : 'no'}`);

const connection = await amqp.connect(values.rabbit);
const channel = await connection.createConfirmChannel();

console.error('[startup-timing] set-up start (schema, price book, tenant, wallet)');
const setup = await start(values.dll[0]);
await api('PUT', '/api/price-books/startup-timing', {
  currency: 'CNY', effectiveFrom: '2026-01-01T00:00:00Z',
  prices: [{ model: 'deepseek-v4-pro', inputPerMillion: '2', cachedInputPerMillion: '0.2', outputPerMillion: '8' }],
});
await api('PUT', `/api/tenants/${TENANT}`, { name: 'Start-up timing', retailPriceBookId: 'startup-timing' });
await api('POST', `/api/tenants/${TENANT}/top-ups`, { amount: '1000', currency: 'CNY', reference: `${TENANT}-top-up` });
console.error(`[startup-timing] set-up start: banner ${fmt(setup.timing.banner)}, ready ${fmt(setup.timing.ready)}`);
await setup.stop();

const rows = values.dll.map(() => []);
for (let run = 1; run <= runs; run++) {
  for (const [i, dll] of values.dll.entries()) {
    const service = await start(dll);
    const delivery = await firstDelivery(channel, run, service.pid);
    const row = { run, ...service.timing, ...delivery, roslyn: roslynLoaded(service.pid) };
    rows[i].push(row);
    console.log(line(`${dll}\n  run ${run}:`, row));
    await service.stop();
  }
}
const medians = rows.map((r) => Object.fromEntries(Object.keys(r[0]).filter((k) => k !== 'run' && k !== 'roslyn').map((k) => [k, median(r.map((x) => x[k]))])));
for (const [i, dll] of values.dll.entries()) console.log(line(`${dll}\n  median:`, medians[i]));
if (values.json) writeFileSync(values.json, JSON.stringify({ setup: setup.timing, builds: values.dll.map((dll, i) => ({ dll, rows: rows[i], medians: medians[i] })) }, null, 2));
await connection.close();
