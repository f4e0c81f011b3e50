// Unit tests of the bridge's pure rules: node --test ops/bridge/ (run by the integration test
// bridging_new_api.the_bridges_pure_rules_pass_their_node_tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MappingError, eventOf, parseMapping, promptExcludesCache, takeable, tenantOf, tokensOf } from './mapping.mjs';

const row = (over = {}) => ({
  id: 7, type: 2, created_at: 1780000000, user_id: 3, username: 'alice', token_name: 'prod', token_id: 11, group: 'default',
  model_name: 'gpt-4o', prompt_tokens: 1000, completion_tokens: 50, other: '', ...over,
});
const none = { rules: [], unmapped: 'fallback' };

test('OpenAI-semantic rows: prompt_tokens includes the cache, so input is prompt less cached and written', () => {
  const t = tokensOf(row(), { cache_tokens: 600, cache_creation_tokens: 100 }, 'auto', { semanticSeen: false });
  assert.deepEqual(t, { inputTokens: 300, cachedInputTokens: 600, cacheWriteTokens: 100, outputTokens: 50 });
});

test('Anthropic-semantic rows: prompt_tokens excludes the cache, so input is prompt_tokens', () => {
  const t = tokensOf(row({ prompt_tokens: 5 }), { claude: true, usage_semantic: 'anthropic', cache_tokens: 20000, cache_creation_tokens: 300 },
    'auto', { semanticSeen: true });
  assert.deepEqual(t, { inputTokens: 5, cachedInputTokens: 20000, cacheWriteTokens: 300, outputTokens: 50 });
});

test('an OpenAI-semantic row never goes below zero input when the cache counts overlap prompt_tokens', () => {
  const t = tokensOf(row({ prompt_tokens: 100 }), { cache_tokens: 90, cache_write_tokens: 40 }, 'auto', { semanticSeen: false });
  assert.equal(t.inputTokens, 0);
});

test('the cache write is the largest of cache_write_tokens, cache_creation_tokens and the 5m + 1h split', () => {
  const t = tokensOf(row(), { usage_semantic: 'anthropic', cache_creation_tokens: 10, cache_creation_tokens_5m: 30, cache_creation_tokens_1h: 40 },
    'auto', { semanticSeen: true });
  assert.equal(t.cacheWriteTokens, 70);
});

test('"claude": true without usage_semantic is exclusive until a usage_semantic row was seen (auto), or as forced', () => {
  assert.equal(promptExcludesCache({ claude: true }, 'auto', { semanticSeen: false }), true);
  assert.equal(promptExcludesCache({ claude: true }, 'auto', { semanticSeen: true }), false);
  assert.equal(promptExcludesCache({ claude: true }, 'inclusive', { semanticSeen: false }), false);
  assert.equal(promptExcludesCache({ claude: true }, 'exclusive', { semanticSeen: true }), true);
  assert.equal(promptExcludesCache({ cache_creation_tokens_5m: 5 }, 'auto', { semanticSeen: true }), true);
  assert.equal(promptExcludesCache({}, 'auto', { semanticSeen: false }), false);
});

test('mapping rules match on every key they name, first match wins; fallback, skip and stop for the rest', () => {
  const mapping = parseMapping({ rules: [{ username: 'alice', tokenName: 'prod', tenant: 'acme-prod' }, { username: 'alice', tenant: 'acme' }, { userId: 9, tenant: 'nine' }] });
  assert.deepEqual(tenantOf(row(), mapping, 'username'), { tenant: 'acme-prod' });
  assert.deepEqual(tenantOf(row({ token_name: 'dev' }), mapping, 'username'), { tenant: 'acme' });
  assert.deepEqual(tenantOf(row({ user_id: 9, username: 'x' }), mapping, 'username'), { tenant: 'nine' });
  assert.deepEqual(tenantOf(row({ username: 'dave' }), mapping, 'username'), { tenant: 'dave' });
  assert.ok(tenantOf(row({ username: 'dave' }), { ...mapping, unmapped: 'skip' }, 'username').skip);
  assert.ok(tenantOf(row({ username: 'dave' }), { ...mapping, unmapped: 'stop' }, 'username').stop);
  assert.deepEqual(tenantOf(row(), none, 'group'), { tenant: 'default' });
  assert.ok(tenantOf(row({ username: '' }), none, 'username').skip);
});

test('a bad mapping file is refused with the reason', () => {
  assert.throws(() => parseMapping({ rules: [{ user: 'a', tenant: 't' }] }), MappingError);
  assert.throws(() => parseMapping({ rules: [{ tenant: 't' }] }), MappingError);
  assert.throws(() => parseMapping({ rules: [{ username: 'a', tenant: ' ' }] }), MappingError);
  assert.throws(() => parseMapping({ rules: [], unmapped: 'drop' }), MappingError);
  assert.throws(() => parseMapping({ rule: [] }), MappingError);
});

test('the event carries the deterministic id, the time in UTC and no field the contract lacks', () => {
  const { event } = eventOf(row({ other: '{"cache_tokens":200}' }), { source: 'hz1', mapping: none, tenantFrom: 'username', claudeRows: 'auto' }, { semanticSeen: false });
  assert.deepEqual(event, {
    eventId: 'newapi:hz1:7', occurredAt: '2026-05-28T20:26:40.000Z', tenantId: 'alice', model: 'gpt-4o',
    inputTokens: 800, cachedInputTokens: 200, cacheWriteTokens: 0, outputTokens: 50,
  });
  assert.ok(eventOf(row({ model_name: '' }), { source: 's', mapping: none, tenantFrom: 'username', claudeRows: 'auto' }, { semanticSeen: false }).skip);
  assert.deepEqual(eventOf(row({ other: 'not json' }), { source: 's', mapping: none, tenantFrom: 'username', claudeRows: 'auto' }, { semanticSeen: false }).event.cachedInputTokens, 0);
});

test('a young gap in the ids holds the rows after it back; an aged or old one does not', () => {
  const rows = [{ id: 11, created_at: 1000 }, { id: 13, created_at: 1000 }, { id: 14, created_at: 1000 }];
  const gaps = new Map();
  assert.equal(takeable(rows, 10, gaps, 0, 1000, 10_000), 1);
  assert.equal(takeable(rows, 10, gaps, 9_999, 1000, 10_000), 1);
  assert.equal(takeable(rows, 10, gaps, 10_000, 1000, 10_000), 3);
  assert.equal(takeable(rows, 10, new Map(), 0, 1000 + 301, 10_000), 3);
  assert.equal(takeable([{ id: 1, created_at: 1000 }], 0, new Map(), 0, 1000, 10_000), 1);
});
