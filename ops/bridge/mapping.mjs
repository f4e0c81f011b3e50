// Pure rules of the new-api / one-api bridge: which rows count, which tenant a row belongs to, and how its
// token columns become a contract-v1 usage event. No I/O here; ops/bridge/new-api.mjs does the reading and
// publishing, and mapping.test.mjs checks these rules (`node --test ops/bridge/`).
//
// The semantics follow new-api's own code (QuantumNous/new-api, service/text_quota.go and
// service/log_info_generate.go at 00899e664780c5bfa544e261a2ce6092af96d14b; v0.6.3.1 for the older rows):
// see docs/bridge-new-api.md, "How the token columns are read".

/** logs.type of a consumption row in new-api and one-api (LogTypeConsume). */
export const LOG_TYPE_CONSUME = 2;

/** Row columns a mapping rule may match on, as named in a mapping file, and the row field each reads. */
export const MATCH_KEYS = {
  username: 'username',
  userId: 'user_id',
  tokenName: 'token_name',
  tokenId: 'token_id',
  group: 'group',
};

/** --tenant-from values: the column whose value becomes the tenant id when no rule matches. */
export const TENANT_FROM = {
  username: 'username',
  user_id: 'user_id',
  token_name: 'token_name',
  token_id: 'token_id',
  group: 'group',
};

export const UNMAPPED_POLICIES = ['fallback', 'skip', 'stop'];
export const CLAUDE_ROWS = ['auto', 'exclusive', 'inclusive'];

const MAX_TEXT = 200;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export class MappingError extends Error {}

/**
 * Validates a mapping file's parsed JSON: { "rules": [ { "<matchKey>": value, ..., "tenant": "id" } ], "unmapped": policy }.
 * A rule matches when every match key it names equals the row's value (ids compared as text); the first match wins.
 */
export function parseMapping(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new MappingError('the mapping file must hold a JSON object');
  const known = new Set(['rules', 'unmapped']);
  for (const key of Object.keys(json)) if (!known.has(key)) throw new MappingError(`unknown key "${key}" in the mapping file (allowed: rules, unmapped)`);
  const rules = json.rules ?? [];
  if (!Array.isArray(rules)) throw new MappingError('"rules" must be an array');
  const parsed = rules.map((rule, i) => {
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) throw new MappingError(`rules[${i}] must be an object`);
    const match = {};
    for (const [key, value] of Object.entries(rule)) {
      if (key === 'tenant') continue;
      if (!(key in MATCH_KEYS)) throw new MappingError(`rules[${i}]: unknown match key "${key}" (allowed: ${Object.keys(MATCH_KEYS).join(', ')})`);
      if (typeof value !== 'string' && !Number.isInteger(value)) throw new MappingError(`rules[${i}].${key} must be a string or an integer`);
      match[MATCH_KEYS[key]] = String(value);
    }
    if (Object.keys(match).length === 0) throw new MappingError(`rules[${i}] names no match key`);
    const tenantProblem = textProblem(rule.tenant);
    if (tenantProblem) throw new MappingError(`rules[${i}].tenant ${tenantProblem}`);
    return { match, tenant: rule.tenant };
  });
  const unmapped = json.unmapped ?? 'fallback';
  if (!UNMAPPED_POLICIES.includes(unmapped)) throw new MappingError(`"unmapped" must be one of ${UNMAPPED_POLICIES.join(', ')}`);
  return { rules: parsed, unmapped };
}

/** Why a value cannot be a tenant id of the contract (1–200 UTF-16 units, not blank, no control characters), or null. */
export function textProblem(value) {
  if (typeof value !== 'string' || value.trim() === '') return 'must be a non-blank string';
  if (value.length > MAX_TEXT) return `must be at most ${MAX_TEXT} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  return null;
}

/**
 * The tenant of a row: the first rule that matches, else (policy "fallback") the --tenant-from column.
 * Returns { tenant } or { skip: reason } or { stop: reason }.
 */
export function tenantOf(row, mapping, tenantFrom) {
  for (const rule of mapping.rules) {
    let all = true;
    for (const [column, value] of Object.entries(rule.match)) {
      if (row[column] === null || row[column] === undefined || String(row[column]) !== value) { all = false; break; }
    }
    if (all) return { tenant: rule.tenant };
  }
  if (mapping.rules.length > 0 && mapping.unmapped !== 'fallback') {
    const reason = `no mapping rule matches user "${row.username ?? ''}" (id ${row.user_id ?? '?'}), token "${row.token_name ?? ''}", group "${row.group ?? ''}"`;
    return mapping.unmapped === 'skip' ? { skip: reason } : { stop: reason };
  }
  const value = row[tenantFrom];
  const text = value === null || value === undefined ? '' : String(value);
  const problem = textProblem(text);
  if (problem) return { skip: `its ${tenantFrom} ("${text}") cannot be a tenant id: it ${problem}` };
  return { tenant: text };
}

/** new-api keeps JSON text in logs.other; an empty, missing or unparsable value counts as no extra facts. */
export function parseOther(text) {
  if (typeof text !== 'string' || text.trim() === '') return {};
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

function count(value) {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * Whether the row's prompt_tokens EXCLUDE the cache read and cache write tokens (Anthropic usage semantic) or
 * include them (OpenAI semantic). `state.semanticSeen` is true once a row carrying `usage_semantic` was read:
 * from then on the database is written by a build that always marks Anthropic-semantic rows with it.
 */
export function promptExcludesCache(other, claudeRows, state) {
  if (typeof other.usage_semantic === 'string') return other.usage_semantic === 'anthropic';
  if (other.claude === true) {
    if (claudeRows === 'exclusive') return true;
    if (claudeRows === 'inclusive') return false;
    return !state.semanticSeen;
  }
  // new-api bills an OpenAI-format usage that carries the Claude 5m/1h cache-write split as Anthropic semantic.
  return count(other.cache_creation_tokens_5m) > 0 || count(other.cache_creation_tokens_1h) > 0;
}

/**
 * The ledger's four token counts of a consumption row. cachedInputTokens is other.cache_tokens; cacheWriteTokens
 * is the largest of cache_write_tokens, cache_creation_tokens and cache_creation_tokens_5m + _1h (new-api's own
 * total); inputTokens is prompt_tokens, less both when prompt_tokens includes them (never below 0, as new-api).
 */
export function tokensOf(row, other, claudeRows, state) {
  const prompt = count(row.prompt_tokens);
  const output = count(row.completion_tokens);
  const cached = count(other.cache_tokens);
  const write = Math.max(
    count(other.cache_write_tokens),
    count(other.cache_creation_tokens),
    count(other.cache_creation_tokens_5m) + count(other.cache_creation_tokens_1h),
  );
  const input = promptExcludesCache(other, claudeRows, state) ? prompt : Math.max(0, prompt - cached - write);
  return { inputTokens: input, cachedInputTokens: cached, cacheWriteTokens: write, outputTokens: output };
}

/** The contract-v1 usage event of a row, or { skip } / { stop } with the reason. */
export function eventOf(row, options, state) {
  const other = parseOther(row.other);
  if (typeof other.usage_semantic === 'string') state.semanticSeen = true;
  const model = row.model_name ?? '';
  const modelProblem = textProblem(model);
  if (modelProblem) return { skip: `model_name ("${model}") ${modelProblem}` };
  const owner = tenantOf(row, options.mapping, options.tenantFrom);
  if (!owner.tenant) return owner;
  const seconds = Number(row.created_at);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) return { skip: `created_at (${row.created_at}) is not a unix time in seconds` };
  return {
    event: {
      eventId: `newapi:${options.source}:${row.id}`,
      occurredAt: new Date(seconds * 1000).toISOString(),
      tenantId: owner.tenant,
      model,
      ...tokensOf(row, other, options.claudeRows, state),
      ...(options.distributorId ? { distributorId: options.distributorId } : {}),
    },
  };
}

/**
 * How far a batch of rows (ordered by id, all types) may be taken past the watermark. An id missing between the
 * watermark and a later row may be an insert that is not committed yet (ids come from a sequence): such a gap holds
 * the batch back until it has been seen for `gapWaitMs`, or at once when the row after it is older than
 * `oldAfterSeconds` by the database's clock (a long-deleted range). Returns the number of rows that may be taken.
 * `gaps` (Map: first missing id -> first seen, ms) is kept between calls.
 */
export function takeable(rows, watermark, gaps, nowMs, dbNowSeconds, gapWaitMs, oldAfterSeconds = 300) {
  let expected = watermark + 1;
  for (let i = 0; i < rows.length; i++) {
    const id = Number(rows[i].id);
    if (id > expected) {
      const old = Number(rows[i].created_at) < dbNowSeconds - oldAfterSeconds;
      if (!old) {
        const since = gaps.get(expected) ?? nowMs;
        gaps.set(expected, since);
        if (nowMs - since < gapWaitMs) return i;
      }
      gaps.delete(expected);
    }
    expected = id + 1;
  }
  return rows.length;
}
