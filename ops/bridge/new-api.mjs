#!/usr/bin/env node
// The new-api / one-api bridge: reads consumption rows (logs.type = 2) from a new-api or one-api database (PostgreSQL,
// or MySQL / MariaDB) in id order from a persisted watermark, and publishes them to TokenLedger as contract-v1 usage events with the
// deterministic eventId newapi:<source>:<log id>. The watermark advances only after the broker confirmed every
// message holding the rows up to it, so a crash at any point re-publishes at most the rows after it, and the ledger
// drops those as duplicates of their eventId. Run it with ops/bridge-new-api; docs/bridge-new-api.md has the rest.

import { once } from 'node:events';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DatabaseUrlError, connect, parseDatabaseUrl, redactUrl } from './databases.mjs';
import {
  CLAUDE_ROWS, LOG_TYPE_CONSUME, MappingError, TENANT_FROM, UNMAPPED_POLICIES, eventOf, parseMapping, takeable,
} from './mapping.mjs';

const QUEUE = 'tokenledger.usage.v1';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_AMQP = process.env.TOKENLEDGER_RABBITMQ || 'amqp://guest:guest@127.0.0.1:55672/';

const HELP = `Usage: ops/bridge-new-api --db URL [options]

Reads the consumption rows (type = 2) of a new-api or one-api "logs" table after the
persisted watermark, in id order, and publishes them to TokenLedger's queue ${QUEUE}
as contract-v1 usage events (eventId newapi:<source>:<log id>), with publisher confirms.
The watermark (the last log id whose event the broker confirmed) is written to the
state file only after the confirms, so a restart after a crash re-sends at most what
was not yet confirmed, and the ledger drops those re-sends as duplicates.

Options:
  --db URL              new-api's database: PostgreSQL, postgres://user:pw@host:5432/new-api,
                        or MySQL / MariaDB, mysql://user:pw@host:3306/new-api or new-api's
                        own SQL_DSN as it is, user:pw@tcp(host:3306)/new-api
                        (default: $NEWAPI_DB, then $NEWAPI_POSTGRES)
  --amqp URL            TokenLedger's RabbitMQ (default: $TOKENLEDGER_RABBITMQ or
                        amqp://guest:guest@127.0.0.1:55672/)
  --source NAME         names this new-api instance in every eventId and in the state
                        file name; [A-Za-z0-9._-], 1..40 (default: newapi)
  --table NAME          the log table (default: logs)
  --state FILE          watermark file (default: $TOKENLEDGER_STATE_DIR or .tokenledger/,
                        then bridge-new-api/<source>.json)
  --since-id N          watermark to start from when the state file does not exist (default 0)
  --tenant-from COLUMN  username | user_id | token_name | token_id | group: the column whose
                        value is the tenant id when no mapping rule applies (default: username)
  --map FILE            mapping file: {"rules":[{"username":"alice","tenant":"acme"}, ...],
                        "unmapped":"fallback|skip|stop"}; match keys username, userId,
                        tokenName, tokenId, group; the first rule that matches wins
  --unmapped POLICY     overrides the file's "unmapped": fallback (the --tenant-from column),
                        skip (count it and go on), stop (exit 3 before the row)
  --claude-rows MODE    auto | exclusive | inclusive: how prompt_tokens of rows marked
                        "claude": true without "usage_semantic" are read (default: auto)
  --distributor ID      distributorId of every event (default: none)
  --follow              keep polling for new rows (default: read to the end and exit)
  --interval SECONDS    poll interval in follow mode (default 5)
  --fetch N             rows read per query, 1..50000 (default 5000)
  --batch N             events per AMQP message, 1..1000 (default 500)
  --gap-wait SECONDS    how long a missing log id (an insert not yet committed) holds the
                        rows after it back (default 10)
  --clock-start TIME    for tests at another date: the instant (RFC 3339) the source database's
                        now() is taken to be at start (it judges when a gap is old); default: its own
  --quiet               no progress output
  -h, --help            this text

Output: progress on stderr (one updating line on a terminal, plain lines otherwise);
a JSON summary on stdout at the end. Exit codes: 0 done (or stopped by SIGINT/SIGTERM),
1 database or broker failure (one-shot mode), 2 bad options, 3 stopped at an unmapped row.`;

class UsageError extends Error {}

// --clock-start: seconds to add to the source database's now() so that it reads TIME when the bridge starts.
function clockShift(start) {
  if (start === undefined) return 0;
  const at = Date.parse(start);
  if (Number.isNaN(at)) throw new UsageError(`--clock-start must be an RFC 3339 instant, got "${start}"`);
  return Math.round((at - Date.now()) / 1000);
}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      db: { type: 'string', default: process.env.NEWAPI_DB || process.env.NEWAPI_POSTGRES },
      amqp: { type: 'string', default: DEFAULT_AMQP },
      source: { type: 'string', default: 'newapi' },
      table: { type: 'string', default: 'logs' },
      state: { type: 'string' },
      'since-id': { type: 'string', default: '0' },
      'tenant-from': { type: 'string', default: 'username' },
      map: { type: 'string' },
      unmapped: { type: 'string' },
      'claude-rows': { type: 'string', default: 'auto' },
      distributor: { type: 'string' },
      follow: { type: 'boolean', default: false },
      interval: { type: 'string', default: '5' },
      fetch: { type: 'string', default: '5000' },
      batch: { type: 'string', default: '500' },
      'gap-wait': { type: 'string', default: '10' },
      'clock-start': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const int = (name, min, max) => {
    const raw = values[name];
    if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new UsageError(`--${name} must be in ${min}..${max}, got ${n}`);
    return n;
  };
  if (!values.db) throw new UsageError('--db (or NEWAPI_DB) is required');
  let db;
  try {
    db = parseDatabaseUrl(values.db);
  } catch (err) {
    if (err instanceof DatabaseUrlError) throw new UsageError(err.message);
    throw err;
  }
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(values.source)) throw new UsageError('--source must be 1..40 of [A-Za-z0-9._-]');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(values.table)) throw new UsageError('--table must be a plain SQL identifier');
  if (!(values['tenant-from'] in TENANT_FROM)) throw new UsageError(`--tenant-from must be one of ${Object.keys(TENANT_FROM).join(', ')}`);
  if (!CLAUDE_ROWS.includes(values['claude-rows'])) throw new UsageError(`--claude-rows must be one of ${CLAUDE_ROWS.join(', ')}`);
  if (values.unmapped !== undefined && !UNMAPPED_POLICIES.includes(values.unmapped)) {
    throw new UsageError(`--unmapped must be one of ${UNMAPPED_POLICIES.join(', ')}`);
  }
  let mapping = { rules: [], unmapped: 'fallback' };
  if (values.map !== undefined) {
    let json;
    try {
      json = JSON.parse(readFileSync(values.map, 'utf8'));
    } catch (err) {
      throw new UsageError(`--map ${values.map}: ${err.message}`);
    }
    try {
      mapping = parseMapping(json);
    } catch (err) {
      if (err instanceof MappingError) throw new UsageError(`--map ${values.map}: ${err.message}`);
      throw err;
    }
  }
  if (values.unmapped !== undefined) mapping.unmapped = values.unmapped;
  if (values.distributor !== undefined && !/^\S.{0,199}$/su.test(values.distributor)) throw new UsageError('--distributor must be 1..200 characters');
  const stateDir = process.env.TOKENLEDGER_STATE_DIR || join(ROOT, '.tokenledger');
  return {
    db,
    amqp: values.amqp,
    source: values.source,
    table: values.table,
    state: values.state ?? join(stateDir, 'bridge-new-api', `${values.source}.json`),
    sinceId: int('since-id', 0, Number.MAX_SAFE_INTEGER),
    tenantFrom: TENANT_FROM[values['tenant-from']],
    mapping,
    claudeRows: values['claude-rows'],
    distributorId: values.distributor,
    follow: values.follow,
    intervalMs: int('interval', 1, 3600) * 1000,
    fetch: int('fetch', 1, 50_000),
    batch: int('batch', 1, 1000),
    gapWaitMs: int('gap-wait', 0, 3600) * 1000,
    clockShiftSeconds: clockShift(values['clock-start']),
    quiet: values.quiet,
  };
}

// --- the watermark file ---------------------------------------------------------------------------
function readState(opts) {
  let text;
  try {
    text = readFileSync(opts.state, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return { watermark: opts.sinceId, semanticSeen: false, published: 0, fresh: true };
    throw err;
  }
  const state = JSON.parse(text);
  if (!Number.isSafeInteger(state.watermark) || state.watermark < 0) throw new Error(`${opts.state}: no valid "watermark"`);
  if (state.source !== opts.source || state.table !== opts.table) {
    throw new Error(`${opts.state} belongs to source "${state.source}", table "${state.table}", not "${opts.source}", "${opts.table}"`);
  }
  return { watermark: state.watermark, semanticSeen: state.semanticSeen === true, published: state.published ?? 0, fresh: false };
}

/** Writes the file whole and durably: a temporary file, fsync, rename over the old one, fsync of the folder. */
function writeState(opts, state) {
  mkdirSync(dirname(opts.state), { recursive: true });
  const text = `${JSON.stringify({
    source: opts.source,
    table: opts.table,
    watermark: state.watermark,
    semanticSeen: state.semanticSeen,
    published: state.published,
    updatedAt: new Date().toISOString(),
  }, null, 2)}\n`;
  const temp = `${opts.state}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, opts.state);
  const dir = openSync(dirname(opts.state), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

// --- progress -------------------------------------------------------------------------------------
function progress(opts, totals) {
  const tty = process.stderr.isTTY === true;
  let last = '';
  // The rate is that of the last pass (from the end of the one before): in follow mode, idle polls do not dilute it.
  let mark = { at: Date.now(), rows: 0 };
  const line = (watermark) => {
    const now = Date.now();
    const rate = Math.round(((totals.rows - mark.rows) * 1000) / Math.max(now - mark.at, 1));
    mark = { at: now, rows: totals.rows };
    return `watermark ${watermark}: ${totals.rows} rows read, ${totals.events} events published in ${totals.messages} messages, `
      + `${totals.notConsume} not consumption, ${totals.skipped} skipped, ${rate} rows/s`;
  };
  return {
    idle() { mark = { at: Date.now(), rows: totals.rows }; },
    update(watermark) {
      if (opts.quiet) return;
      const text = line(watermark);
      if (tty) process.stderr.write(`\r${text.padEnd(last.length)}`);
      else process.stderr.write(`${text}\n`);
      last = text;
    },
    note(text) {
      if (opts.quiet) return;
      process.stderr.write(`${tty && last ? '\n' : ''}${text}\n`);
      last = '';
    },
    done() {
      if (!opts.quiet && tty && last) process.stderr.write('\n');
    },
  };
}

const redact = redactUrl;

const sleep = (ms, signal) => new Promise((done) => {
  const timer = setTimeout(done, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); done(); }, { once: true });
});

// --- reading ------------------------------------------------------------------------------------
const OPTIONAL = ['user_id', 'username', 'token_name', 'token_id', 'group', 'other'];
const REQUIRED = ['id', 'type', 'created_at', 'model_name', 'prompt_tokens', 'completion_tokens'];

async function selectStatement(db, table) {
  const have = new Set(await db.columns(table));
  if (have.size === 0) throw new Error(`table "${table}" not found in the current schema of the database`);
  const missing = REQUIRED.filter((c) => !have.has(c));
  if (missing.length > 0) throw new Error(`table "${table}" lacks ${missing.join(', ')}: is this a new-api or one-api database?`);
  return {
    columns: [...REQUIRED, ...OPTIONAL].map((c) => [c, have.has(c)]),
    absent: OPTIONAL.filter((c) => !have.has(c)),
  };
}

// --- one connected session: read, publish, confirm, advance -------------------------------------
async function session(opts, state, totals, ui, signal) {
  const { default: amqp } = await import('amqplib');
  let db;
  let conn;
  try {
    db = await connect(opts.db, `tokenledger-bridge-${opts.source}`);
    const select = await selectStatement(db, opts.table);
    if (select.absent.length > 0) ui.note(`note: ${opts.table} has no ${select.absent.join(', ')} column (one-api?): read as empty`);
    if (opts.tenantFrom !== 'username' && select.absent.includes(opts.tenantFrom)) {
      throw new UsageError(`--tenant-from ${opts.tenantFrom}: the table has no such column`);
    }
    opts.mapping.rules.forEach((rule, i) => {
      const missing = Object.keys(rule.match).filter((column) => select.absent.includes(column));
      if (missing.length > 0) throw new UsageError(`--map rules[${i}] matches on ${missing.join(', ')}, a column the table does not have`);
    });
    conn = await amqp.connect(opts.amqp, { clientProperties: { connection_name: `tokenledger bridge-new-api ${opts.source}` } });
    conn.on('error', (err) => ui.note(`broker connection error: ${err.message}`));
    const ch = await conn.createConfirmChannel();
    ch.on('error', (err) => ui.note(`broker channel error: ${err.message}`));
    try {
      await ch.checkQueue(QUEUE);
    } catch (err) {
      if (err.code === 404) throw new Error(`queue ${QUEUE} does not exist on ${redact(opts.amqp)}: start the ledger first (it declares the queue)`);
      throw err;
    }
    let returned = 0;
    ch.on('return', () => { returned++; });
    ui.note(`reading ${opts.table} after id ${state.watermark} from ${db.kind} ${opts.db.label}; publishing to ${redact(opts.amqp)}`);
    ui.idle();

    const gaps = new Map();
    for (;;) {
      if (signal.aborted) return 'stopped';
      const rows = await db.rows(opts.table, select.columns, state.watermark, opts.fetch);
      const take = takeable(rows, state.watermark, gaps, Date.now(), (await db.nowSeconds()) + opts.clockShiftSeconds, opts.gapWaitMs);
      if (take === 0) {
        if (rows.length > 0) { await sleep(Math.min(1000, opts.gapWaitMs || 1000), signal); continue; }
        if (!opts.follow) return 'done';
        await sleep(opts.intervalMs, signal);
        ui.idle();
        continue;
      }

      // One pass works on its own copy of what it learns; it becomes the state only with the watermark, after the
      // confirms, so a pass that fails is read again from scratch (the usage_semantic fact included).
      const pass = { semanticSeen: state.semanticSeen, rows: 0, notConsume: 0, skipped: [], events: [] };
      let through = state.watermark;
      let stop = null;
      for (const row of rows.slice(0, take)) {
        if (!Number.isSafeInteger(row.id)) throw new Error(`log id ${row.id} is beyond 2^53`);
        if (Number(row.type) !== LOG_TYPE_CONSUME) {
          pass.notConsume++;
        } else {
          const result = eventOf(row, opts, pass);
          if (result.stop) { stop = `row ${row.id}: ${result.stop}`; break; }
          if (result.skip) pass.skipped.push({ id: row.id, reason: result.skip });
          else pass.events.push(result.event);
        }
        pass.rows++;
        through = row.id;
      }

      let messages = 0;
      for (let i = 0; i < pass.events.length; i += opts.batch) {
        const body = JSON.stringify(pass.events.slice(i, i + opts.batch));
        const accepted = ch.sendToQueue(QUEUE, Buffer.from(body, 'utf8'), {
          persistent: true,
          contentType: 'application/json',
          mandatory: true,
          appId: 'tokenledger-bridge-new-api',
        });
        messages++;
        if (!accepted) await once(ch, 'drain');
      }
      if (messages > 0) await ch.waitForConfirms(); // rejects when the broker nacked a message
      if (returned > 0) throw new Error(`${returned} message(s) came back unroutable from ${QUEUE}`);

      if (through > state.watermark || pass.semanticSeen !== state.semanticSeen) {
        state.watermark = through;
        state.semanticSeen = pass.semanticSeen;
        state.published += pass.events.length;
        writeState(opts, state);
        for (const id of gaps.keys()) if (id <= through) gaps.delete(id);
      }
      totals.rows += pass.rows;
      totals.notConsume += pass.notConsume;
      totals.events += pass.events.length;
      totals.messages += messages;
      for (const { id, reason } of pass.skipped) {
        totals.skipped++;
        if (totals.skipReasons.size < 20 || totals.skipReasons.has(reason)) {
          totals.skipReasons.set(reason, (totals.skipReasons.get(reason) ?? 0) + 1);
        }
        if (totals.skipped <= 20) ui.note(`skipped log ${id}: ${reason}`);
      }
      ui.update(state.watermark);
      if (stop) {
        ui.note(`stopped before ${stop}. Add a rule to the mapping file (or use --unmapped fallback|skip) and start again.`);
        return 'unmapped';
      }
    }
  } finally {
    if (conn) await conn.close().catch(() => {});
    if (db) await db.end().catch(() => {});
  }
}

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

  const stopper = new AbortController();
  let signals = 0;
  for (const name of ['SIGINT', 'SIGTERM']) {
    process.on(name, () => {
      signals++;
      if (signals > 1) process.exit(130);
      stopper.abort();
    });
  }

  const state = readState(opts);
  const startedAt = state.watermark;
  const totals = { rows: 0, events: 0, messages: 0, notConsume: 0, skipped: 0, skipReasons: new Map() };
  const ui = progress(opts, totals);
  let outcome;
  let failure = null;
  for (let attempt = 1; ; attempt++) {
    try {
      outcome = await session(opts, state, totals, ui, stopper.signal);
      break;
    } catch (err) {
      if (err instanceof UsageError) {
        ui.note(err.message);
        return 2;
      }
      if (!opts.follow || stopper.signal.aborted) {
        failure = err.message;
        outcome = 'failed';
        break;
      }
      const wait = Math.min(60, 2 ** Math.min(attempt, 6));
      ui.note(`error: ${err.message}; reconnecting in ${wait} s from watermark ${state.watermark}`);
      await sleep(wait * 1000, stopper.signal);
      if (stopper.signal.aborted) { outcome = 'stopped'; break; }
    }
  }
  ui.done();
  if (failure) process.stderr.write(`error: ${failure}\n`);
  process.stdout.write(`${JSON.stringify({
    source: opts.source,
    outcome,
    state: opts.state,
    startedAtWatermark: startedAt,
    watermark: state.watermark,
    rowsRead: totals.rows,
    eventsPublished: totals.events,
    messages: totals.messages,
    notConsumption: totals.notConsume,
    skipped: totals.skipped,
    skipReasons: Object.fromEntries(totals.skipReasons),
  }, null, 2)}\n`);
  if (outcome === 'failed') return 1;
  if (outcome === 'unmapped') return 3;
  return 0;
}

process.exitCode = await main();
