#!/usr/bin/env node
// Prints the gateway signals TokenLedger publishes on the topic exchange tokenledger.signals.v1,
// the way a gateway would consume them. Contract: contracts/README.md ("Gateway signals").
//
//   cd ops && npm ci && node watch-signals.mjs [--tenant acme] [--url amqp://…]

import { parseArgs } from 'node:util';
import amqp from 'amqplib';

const EXCHANGE = 'tokenledger.signals.v1';
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.TOKENLEDGER_RABBITMQ || 'amqp://guest:guest@127.0.0.1:55672/' },
    tenant: { type: 'string', default: '*' },
  },
});

const connection = await amqp.connect(values.url);
const channel = await connection.createChannel();
await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
const pattern = `tenant.${values.tenant}.#`;
await channel.bindQueue(queue, EXCHANGE, pattern);
console.error(`watching ${EXCHANGE} with binding ${pattern} (Ctrl-C to stop)`);
const seen = new Set();
await channel.consume(queue, (message) => {
  const signal = JSON.parse(message.content.toString('utf8'));
  // Delivery is at least once: a repeated signalId is the same crossing.
  if (!seen.has(signal.signalId)) {
    seen.add(signal.signalId);
    console.log(`${message.fields.routingKey}  ${signal.action.padEnd(8)} ${signal.subject} ${signal.used}/${signal.limit} ${signal.unit} (${signal.utilisationPercent}%) at ${signal.at}`);
  }
  channel.ack(message);
});
process.on('SIGINT', async () => { await connection.close(); process.exit(0); });
