#!/usr/bin/env node
// Drives TokenLedger's OpenMeter- and Lago-compatible ingest routes with the vendors' own npm SDKs
// (@openmeter/sdk, lago-javascript-client), changing nothing but their base URL, and prints what each call
// answered as one JSON object on stdout. The integration test compat_sdks runs it and checks the ledger's totals.
//
//   cd ops && npm ci && node compat-sdks.mjs --url http://127.0.0.1:5080 --key tl_gw_… --openmeter-tenant acme \
//       --lago-tenant globex --run r1
//
// Every event id derives from --run, so running it twice with the same --run sends the same events again.
import { OpenMeter } from '@openmeter/sdk';
import { Client as Lago } from 'lago-javascript-client';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
for (const required of ['url', 'key', 'openmeter-tenant', 'lago-tenant', 'run']) {
  if (!args[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}
const { url, key, run } = args;
// --at: when the events happened (the tests' clock); else a minute ago.
const at = args.at ? new Date(args.at) : new Date(Date.now() - 60_000);

// The SDKs report an answer or throw; keep both as data for the test.
async function outcome(call) {
  try {
    const value = await call();
    return { ok: true, value: value ?? null };
  } catch (e) {
    if (e?.client === 'OpenMeter') return { ok: false, status: e.status, problem: e.__raw ?? null, message: e.message };
    if (typeof e?.status === 'number') return { ok: false, status: e.status, problem: e.error ?? null };
    return { ok: false, status: null, message: String(e) };
  }
}

// ---- OpenMeter: the SDK posts application/cloudevents-batch+json to {baseUrl}/api/v1/events ----
const openmeter = new OpenMeter({ baseUrl: `${url}/compat/openmeter`, apiKey: key });
const tenant = args['openmeter-tenant'];
const litellmEvent = (n, prompt, completion, model = 'gpt-4o') => ({
  specversion: '1.0', type: 'litellm_tokens', id: `${run}-om-${n}`, source: 'litellm-proxy', subject: tenant, time: at,
  data: { model, cost: 0.001, prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});
const batch = [litellmEvent(1, 1000, 100), litellmEvent(2, 2000, 200), litellmEvent(3, 3000, 300, 'deepseek-chat')];
const mixed = [
  litellmEvent(4, 4000, 400),
  { ...litellmEvent(5, 1, 1), type: 'image_calls' },
  { ...litellmEvent(6, 1, 1), data: { model: 'gpt-4o', completion_tokens: 1 } },
];
const result = { openmeter: {}, lago: {} };
result.openmeter.batch = await outcome(() => openmeter.events.ingest(batch));
result.openmeter.resend = await outcome(() => openmeter.events.ingest(batch));
result.openmeter.single = await outcome(() => openmeter.events.ingest(litellmEvent(7, 700, 70)));
result.openmeter.mixed = await outcome(() => openmeter.events.ingest(mixed));

// What LiteLLM's openmeter callback posts itself: one structured-mode CloudEvent, Python's isoformat time.
const structured = await fetch(`${url}/compat/openmeter/api/v1/events`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/cloudevents+json', Authorization: `Bearer ${key}` },
  body: JSON.stringify({ ...litellmEvent(8, 800, 80), time: at.toISOString().replace('Z', '000+00:00') }),
});
result.openmeter.structured = { status: structured.status, body: await structured.text() };

// ---- Lago: the client posts {"event":{…}} to {baseUrl}/events and {"events":[…]} to {baseUrl}/events/batch ----
const lago = Lago(key, { baseUrl: `${url}/compat/lago/api/v1` });
const customer = args['lago-tenant'];
const lagoEvent = (n, prompt, completion, code = 'litellm_tokens') => ({
  transaction_id: `${run}-lago-${n}`, external_subscription_id: customer, code,
  timestamp: Math.floor(at.getTime() / 1000),
  properties: { model: 'qwen3-max', response_cost: 0.002, prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});
const data = (call) => outcome(async () => (await call()).data);
result.lago.single = await data(() => lago.events.createEvent({ event: lagoEvent(1, 500, 50) }));
result.lago.resend = await data(() => lago.events.createEvent({ event: lagoEvent(1, 500, 50) }));
result.lago.batch = await data(() => lago.events.createBatchEvents({ events: [lagoEvent(2, 600, 60), lagoEvent(3, 700, 70)] }));
result.lago.mixed = await data(() => lago.events.createBatchEvents({
  events: [lagoEvent(4, 800, 80), lagoEvent(5, 1, 1, 'storage_gb'), { ...lagoEvent(6, 1, 1), properties: { model: 'qwen3-max', prompt_tokens: -3, completion_tokens: 1 } }],
}));

console.log(JSON.stringify(result));
