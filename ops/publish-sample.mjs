#!/usr/bin/env node
// Publishes sample usage events to the TokenLedger queue tokenledger.usage.v1 the way a
// non-.NET gateway would (plain JSON, persistent, publisher confirms), then prints the
// totals the ledger should report for them. Contract: contracts/README.md.
//
//   cd ops && npm ci && node publish-sample.mjs --help

import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const QUEUE = 'tokenledger.usage.v1';
const MAX_ITEMS_PER_MESSAGE = 1000;
const DEFAULT_URL = process.env.TOKENLEDGER_RABBITMQ || 'amqp://guest:guest@127.0.0.1:55672/';
const DEFAULT_MODELS = 'deepseek-v4-pro:deepseek,qwen3-max:alibaba,doubao-seed-2-0-pro:volcengine';

const HELP = `Usage: node publish-sample.mjs [options]

Publishes --count usage events for one tenant to the RabbitMQ queue ${QUEUE}
(default exchange, persistent, content-type application/json, publisher confirms),
a fraction of them exact re-sends of earlier events, then prints JSON with the
per-model totals of the UNIQUE events and a half-open [from, to) interval
covering them, to compare with GET /api/tenants/{tenant}/usage?from=&to=
(printed as "query"; call it with an operator key once the ledger has caught up).

Options:
  --url URL            AMQP URL (default: $TOKENLEDGER_RABBITMQ or
                       amqp://guest:guest@127.0.0.1:55672/)
  --count N            events published, duplicates included (default 1000)
  --duplicates F       fraction of --count that re-sends an earlier event with the
                       same eventId and byte-identical JSON, 0 <= F < 1 (default 0.1)
  --batch B            events per message, 1..1000; 1 sends single objects,
                       2+ sends JSON arrays (default 1)
  --tenant ID          tenantId of every event (default acme); use a fresh one per
                       run if you compare totals with the API
  --seed S             PRNG seed for token counts, times and duplicate picks (default 1)
  --run-id ID          part of every eventId (default: random); reuse it with the same
                       --seed and a fixed --occurred-at to re-send an identical run
  --occurred-at T      RFC 3339 base time; events spread from T to min(T+1h, now)
                       (default: start of the current hour, so events span it up to now)
  --tz-offset +HH:MM   offset used when writing occurredAt (default +08:00;
                       write a negative one as --tz-offset=-05:00)
  --models LIST        model[:provider],... (default ${DEFAULT_MODELS})
  --queue NAME         target queue (default ${QUEUE})
  --declare            assertQueue(durable: true) instead of checkQueue; only for an
                       empty dev broker (a redeclare with other arguments fails)
  --confirm-window N   max unconfirmed messages before waiting for confirms (default 500)
  --dump FILE          also write every message body to FILE, one per line
  --dry-run            generate and print totals without connecting
  -h, --help           this text

Exit codes: 0 all messages confirmed; 1 broker or publish failure; 2 bad options.
Progress goes to stderr; the result JSON goes to stdout.`;

class UsageError extends Error {}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string', default: DEFAULT_URL },
      count: { type: 'string', default: '1000' },
      duplicates: { type: 'string', default: '0.1' },
      batch: { type: 'string', default: '1' },
      tenant: { type: 'string', default: 'acme' },
      seed: { type: 'string', default: '1' },
      'run-id': { type: 'string' },
      'occurred-at': { type: 'string' },
      'tz-offset': { type: 'string', default: '+08:00' },
      models: { type: 'string', default: DEFAULT_MODELS },
      queue: { type: 'string', default: QUEUE },
      declare: { type: 'boolean', default: false },
      'confirm-window': { type: 'string', default: '500' },
      dump: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });

  const int = (name, min, max) => {
    const raw = values[name];
    if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new UsageError(`--${name} must be in ${min}..${max}, got ${n}`);
    return n;
  };

  const duplicates = Number(values.duplicates);
  if (!(duplicates >= 0 && duplicates < 1)) {
    throw new UsageError(`--duplicates must be a fraction 0 <= F < 1, got "${values.duplicates}"`);
  }

  const tzMatch = /^([+-])(\d{2}):(\d{2})$/.exec(values['tz-offset']);
  if (!tzMatch || Number(tzMatch[2]) > 23 || Number(tzMatch[3]) > 59) {
    throw new UsageError(`--tz-offset must look like +08:00, got "${values['tz-offset']}"`);
  }
  const tzMinutes = (tzMatch[1] === '-' ? -1 : 1) * (Number(tzMatch[2]) * 60 + Number(tzMatch[3]));

  let base;
  if (values['occurred-at'] !== undefined) {
    const t = values['occurred-at'];
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(t) || Number.isNaN(Date.parse(t))) {
      throw new UsageError(`--occurred-at must be RFC 3339 with an offset, e.g. 2026-06-12T14:00:00+08:00, got "${t}"`);
    }
    base = Date.parse(t);
  }

  const models = values.models.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [model, provider] = s.split(':');
    if (!model || model.length > 200 || (provider && provider.length > 200)) throw new UsageError(`bad --models entry "${s}"`);
    return { model, provider: provider || null };
  });
  if (models.length === 0) throw new UsageError('--models is empty');

  const tenant = values.tenant;
  if (tenant.length < 1 || tenant.length > 200) throw new UsageError('--tenant must be 1..200 characters');

  const runId = values['run-id'] ?? randomBytes(4).toString('hex');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(runId)) throw new UsageError('--run-id must be 1..64 of [A-Za-z0-9._-]');

  return {
    help: values.help,
    url: values.url,
    count: int('count', 1, 10_000_000),
    duplicates,
    batch: int('batch', 1, MAX_ITEMS_PER_MESSAGE),
    tenant,
    seed: values.seed,
    runId,
    base,
    tzMinutes,
    tzOffset: values['tz-offset'],
    models,
    queue: values.queue,
    declare: values.declare,
    confirmWindow: int('confirm-window', 1, 100_000),
    dump: values.dump,
    dryRun: values['dry-run'],
  };
}

// --- deterministic PRNG (xmur3 string hash -> mulberry32) ---------------------------------
function seededRandom(seed) {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  let a = (h ^ (h >>> 16)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function formatWithOffset(epochMs, offsetMinutes, offsetText) {
  const shifted = new Date(epochMs + offsetMinutes * 60_000).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return shifted.slice(0, -1) + offsetText;
}

// --- event generation ------------------------------------------------------------------------
function generate(opts, now) {
  const rnd = seededRandom(String(opts.seed));
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

  const hourStart = Math.floor(now / 3_600_000) * 3_600_000;
  const start = opts.base ?? hourStart;
  const end = Math.min(start + 3_600_000, Math.max(start, now));
  const span = end - start;

  const total = opts.count;
  let dupCount = Math.round(total * opts.duplicates);
  if (dupCount > total - 1) dupCount = total - 1;
  const uniqueCount = total - dupCount;

  const perModel = new Map(opts.models.map((m) => [m.model, {
    events: 0, inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0,
  }]));
  const texts = []; // serialized unique events, in creation order
  const sequence = []; // serialized items in publish order (duplicates included)
  let minAt = Infinity;
  let maxAt = -Infinity;
  let uniqueLeft = uniqueCount;
  let dupLeft = dupCount;

  while (uniqueLeft + dupLeft > 0) {
    const makeDuplicate = texts.length > 0 && dupLeft > 0
      && (uniqueLeft === 0 || rnd() < dupLeft / (uniqueLeft + dupLeft));
    if (makeDuplicate) {
      sequence.push(texts[Math.floor(rnd() * texts.length)]);
      dupLeft--;
      continue;
    }

    const i = texts.length;
    const { model, provider } = opts.models[int(0, opts.models.length - 1)];
    const at = start + Math.floor((span * (i + rnd())) / uniqueCount);
    const cached = rnd() < 0.5 ? 0 : 512 * int(1, 48);
    const event = {
      eventId: `sample-${opts.runId}-${String(i).padStart(7, '0')}`,
      occurredAt: formatWithOffset(at, opts.tzMinutes, opts.tzOffset),
      tenantId: opts.tenant,
      model,
      ...(provider ? { provider } : {}),
      requestId: `req-${opts.runId}-${i.toString(36)}`,
      inputTokens: int(0, 8000),
      cachedInputTokens: cached,
      outputTokens: int(1, 4000),
    };
    if (rnd() < 0.2) event.cacheWriteTokens = int(0, 4096); // optional field: absent means 0

    const totals = perModel.get(model);
    totals.events++;
    totals.inputTokens += event.inputTokens;
    totals.cachedInputTokens += event.cachedInputTokens;
    totals.cacheWriteTokens += event.cacheWriteTokens ?? 0;
    totals.outputTokens += event.outputTokens;
    minAt = Math.min(minAt, at);
    maxAt = Math.max(maxAt, at);

    const text = JSON.stringify(event);
    texts.push(text);
    sequence.push(text);
    uniqueLeft--;
  }

  const bodies = [];
  for (let i = 0; i < sequence.length; i += opts.batch) {
    const chunk = sequence.slice(i, i + opts.batch);
    bodies.push(opts.batch === 1 ? chunk[0] : `[${chunk.join(',')}]`);
  }

  const total_ = { events: 0, inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0 };
  for (const t of perModel.values()) for (const k of Object.keys(total_)) total_[k] += t[k];
  for (const [k, t] of perModel) if (t.events === 0) perModel.delete(k);

  // The usage API sums the half-open interval [from, to); whole seconds, UTC.
  const from = Math.floor(minAt / 1000) * 1000;
  const to = Math.floor(maxAt / 1000) * 1000 + 1000;
  const fromText = new Date(from).toISOString().replace('.000Z', 'Z');
  const toText = new Date(to).toISOString().replace('.000Z', 'Z');

  return {
    bodies,
    futureWarning: maxAt > now + 5 * 60_000,
    summary: {
      tenant: opts.tenant,
      queue: opts.queue,
      runId: opts.runId,
      seed: String(opts.seed),
      published: {
        items: sequence.length,
        uniqueEvents: uniqueCount,
        duplicates: dupCount,
        messages: bodies.length,
        batch: opts.batch,
      },
      from: fromText,
      to: toText,
      minOccurredAt: formatWithOffset(minAt, opts.tzMinutes, opts.tzOffset),
      maxOccurredAt: formatWithOffset(maxAt, opts.tzMinutes, opts.tzOffset),
      query: `/api/tenants/${encodeURIComponent(opts.tenant)}/usage?from=${encodeURIComponent(fromText)}&to=${encodeURIComponent(toText)}`,
      // Same shape and order as the `models` of GET /api/tenants/{tenant}/usage.
      expected: {
        models: [...perModel].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([model, t]) => ({ model, ...t })),
        total: total_,
      },
    },
  };
}

// --- publishing ----------------------------------------------------------------------------
function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function waitForDrain(ch) {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(ch, 'drain', { signal: ac.signal }),
      once(ch, 'close', { signal: ac.signal }).then(() => {
        throw new Error('channel closed while waiting for drain');
      }),
    ]);
  } finally {
    ac.abort(); // drop the listener that did not fire
  }
}

async function publish(opts, bodies) {
  let amqp;
  try {
    ({ default: amqp } = await import('amqplib'));
  } catch {
    throw new Error('amqplib is not installed: run `npm ci` (or `npm install`) in ops/ first');
  }

  const log = (msg) => process.stderr.write(`${msg}\n`);
  log(`connecting to ${redact(opts.url)}`);
  const conn = await amqp.connect(opts.url, {
    clientProperties: { connection_name: `tokenledger publish-sample ${opts.runId}` },
  });
  conn.on('error', (err) => log(`connection error: ${err.message}`));

  try {
    const ch = await conn.createConfirmChannel();
    ch.on('error', (err) => log(`channel error: ${err.message}`));

    if (opts.declare) {
      const ok = await ch.assertQueue(opts.queue, { durable: true });
      log(`asserted durable queue ${ok.queue} (${ok.messageCount} ready, ${ok.consumerCount} consumers)`);
    } else {
      let ok;
      try {
        ok = await ch.checkQueue(opts.queue);
      } catch (err) {
        if (err.code === 404) {
          throw new Error(`queue ${opts.queue} does not exist: start the ledger (it declares the durable queue) or pass --declare on a dev broker`);
        }
        throw err;
      }
      log(`queue ${ok.queue} exists (${ok.messageCount} ready, ${ok.consumerCount} consumers)`);
    }

    let returned = 0;
    ch.on('return', () => { returned++; });

    const started = Date.now();
    let unconfirmed = 0;
    for (let i = 0; i < bodies.length; i++) {
      const accepted = ch.sendToQueue(opts.queue, Buffer.from(bodies[i], 'utf8'), {
        persistent: true, // delivery mode 2
        contentType: 'application/json',
        mandatory: true, // an unroutable message comes back instead of vanishing
        appId: 'tokenledger-publish-sample',
        timestamp: Math.floor(Date.now() / 1000),
      });
      unconfirmed++;
      if (!accepted) await waitForDrain(ch);
      if (unconfirmed >= opts.confirmWindow) {
        await ch.waitForConfirms(); // rejects if the broker nacked any message
        unconfirmed = 0;
      }
      if ((i + 1) % 1000 === 0) log(`published ${i + 1}/${bodies.length} messages`);
    }
    await ch.waitForConfirms();
    if (returned > 0) throw new Error(`${returned} message(s) were returned as unroutable`);
    log(`all ${bodies.length} messages confirmed in ${Date.now() - started} ms`);
    await ch.close();
  } finally {
    await conn.close().catch(() => {});
  }
}

// --- main ----------------------------------------------------------------------------------
async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n\nRun with --help for usage.\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  const now = Date.now();
  const { bodies, summary, futureWarning } = generate(opts, now);
  if (futureWarning) {
    process.stderr.write('warning: some occurredAt values are more than 5 minutes in the future; the ledger will dead-letter them\n');
  }
  if (opts.dump) writeFileSync(opts.dump, `${bodies.join('\n')}\n`);

  if (!opts.dryRun) {
    try {
      await publish(opts, bodies);
    } catch (err) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
  }

  process.stdout.write(`${JSON.stringify({ ...summary, dryRun: opts.dryRun }, null, 2)}\n`);
  return 0;
}

process.exitCode = await main();
