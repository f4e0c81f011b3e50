// node ops/doc-examples.mjs --base URL --key KEY [--counts FILE] [--list] [FILE.md ...]
//
// Runs the curl examples of README.md, docs/*.md and contracts/README.md in order, as written, against a running
// service. Only the placeholders are filled in: http://127.0.0.1:5080 becomes --base, $K, $J, $KEY and
// $TOKENLEDGER_ADMIN_KEY come from --key, and rec-… is the last reportId answered. Each example must answer a 2xx
// status, or the one named by a "# expect: 404" comment line just above it; a 409 ("not caught up yet") is retried
// for up to 30 s, as a client would. A code block under a line saying
// "Illustrative, not run" is skipped. Prints one line per example and ends with "doc examples: N passed, N failed,
// N skipped"; exits 1 if any failed. --counts writes "passed failed skipped" to FILE; --list only prints them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args.splice(i, 2)[1]; };
const list = args.includes('--list') && args.splice(args.indexOf('--list'), 1);
const base = option('--base') ?? 'http://127.0.0.1:5080';
const key = option('--key') ?? process.env.TOKENLEDGER_ADMIN_KEY ?? '';
const countsFile = option('--counts');
const files = args.length > 0 ? args.map((f) => resolve(f)) : [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join(root, 'docs', f)),
  join(root, 'contracts', 'README.md'),
];

/** The curl commands of one markdown file: { file, line, text, expect, skipped }. */
function examples(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = [];
  let inBlock = false, skipped = false, lastProse = '', expect = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      if (!inBlock) skipped = /Illustrative, not run/i.test(lastProse);
      inBlock = !inBlock;
      expect = null;
      continue;
    }
    if (!inBlock) {
      if (line.trim() !== '') lastProse = line;
      continue;
    }
    const expected = /^\s*#\s*expect:\s*([\d\s]+)$/.exec(line);
    if (expected) { expect = expected[1].trim().split(/\s+/).map(Number); continue; }
    if (!/^\s*curl\s/.test(line)) continue;
    let text = line, j = i;
    // A command goes on while a line ends with \ or a single quote is still open.
    while (j + 1 < lines.length && (/\\$/.test(lines[j]) || (text.split("'").length - 1) % 2 === 1)) text += '\n' + lines[++j];
    found.push({ file: relative(root, file), line: i + 1, text, expect, skipped });
    expect = null;
    i = j;
  }
  return found;
}

const all = files.flatMap(examples);
if (list) {
  for (const e of all) console.log(`${e.file}:${e.line}${e.skipped ? ' (illustrative)' : ''}\n${e.text}\n`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'tokenledger-docs-'));
// The statement file the reconciliation example uploads.
copyFileSync(join(root, 'contracts', 'examples', 'upstream-statement.csv'), join(work, 'deepseek-2026-06.csv'));
const prelude = [
  `K="Authorization: Bearer $DOC_KEY"; J='content-type: application/json'; KEY=$DOC_KEY; TOKENLEDGER_ADMIN_KEY=$DOC_KEY`,
  `curl() { command curl -sS --max-time 60 -w '%{stderr}\\n@@status=%{http_code}\\n' "$@"; }`,
].join('\n');

let passed = 0, failed = 0, skippedCount = 0, reportId = null;
for (const e of all) {
  const where = `${e.file}:${e.line}`;
  const first = e.text.split('\n')[0].trim();
  if (e.skipped) { skippedCount++; console.log(`skip     ${where}  ${first}`); continue; }
  let command = e.text.replaceAll('http://127.0.0.1:5080', base);
  if (reportId) command = command.replaceAll('rec-…', reportId);
  // 409 means "not caught up yet, retry in a few seconds" (contracts/README.md): do what a client would.
  let run, status;
  for (let attempt = 1; ; attempt++) {
    run = spawnSync('bash', ['-c', `${prelude}\n${command}`], {
      cwd: work, encoding: 'utf8', env: { ...process.env, DOC_KEY: key }, timeout: 120_000,
    });
    status = [...(run.stderr ?? '').matchAll(/@@status=(\d+)/g)].map((m) => Number(m[1])).at(-1) ?? 0;
    if (status !== 409 || attempt === 15 || e.expect?.includes(409)) break;
    spawnSync('sleep', ['2']);
  }
  const ok = e.expect ? e.expect.includes(status) : status >= 200 && status < 300;
  const id = /"reportId"\s*:\s*"(rec-[^"]+)"/.exec(run.stdout ?? '');
  if (id) reportId = id[1];
  if (ok) {
    passed++;
    console.log(`ok   ${status}  ${where}  ${first}`);
    if (process.env.DOC_VERBOSE) console.log(`  answer: ${(run.stdout ?? '').slice(0, 2000)}`);
    continue;
  }
  failed++;
  console.log(`FAIL ${status}  ${where}  expected ${e.expect ? e.expect.join(' or ') : '2xx'}\n${command}`);
  console.log(`  answer: ${(run.stdout ?? '').slice(0, 600)}${(run.stderr ?? '').replace(/@@status=\d+/g, '').trim().slice(0, 300)}`);
}
rmSync(work, { recursive: true, force: true });
if (countsFile) writeFileSync(countsFile, `${passed} ${failed} ${skippedCount}\n`);
console.log(`doc examples: ${passed} passed, ${failed} failed, ${skippedCount} skipped`);
process.exit(failed > 0 ? 1 : 0);
