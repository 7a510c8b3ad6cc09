// Summarises a .cpuprofile written by `BENCH_CPU_PROF=1 node bench/token-endpoint.bench.mjs` (in
// /tmp/td-prof) or by `BENCH_CPU_PROF=1 node bench/scale-out.bench.mjs` (in /tmp/td-prof-scale-out): the main thread's time over the last seconds of the profile (the token run comes last),
// as shares by part of the token endpoint, then the functions with the most self time.
// Usage: node bench/cpuprofile-summary.mjs <file.cpuprofile> [seconds, default 4.5] [top functions, default 25]
import { readFileSync } from 'node:fs';

const [file, seconds = '4.5', top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpuprofile-summary.mjs <file.cpuprofile> [seconds] [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

// Each sample's time; the window ends at the last sample that was not idle (the close after the run).
const times = [];
let time = profile.startTime;
for (const delta of profile.timeDeltas) times.push((time += delta));
const idle = (id) => ['(idle)', '(program)'].includes(nodes.get(id).callFrame.functionName);
let end = times.at(-1);
for (let i = times.length - 1; i >= 0; i--) {
  if (!idle(profile.samples[i])) {
    end = times[i];
    break;
  }
}
const start = end - Number(seconds) * 1e6;

// The first rule matching a frame, from the sampled frame up through its callers, decides the part.
const PARTS = [
  [
    'Redis client (ioredis: commands, replies, socket)',
    (url) => /ioredis|redis-errors|redis-parser|cluster-key-slot/.test(url),
  ],
  [
    'PostgreSQL client (pg: protocol, parsing)',
    (url) => /node_modules\/\.pnpm\/pg[@-]|pg-protocol|pg-types|pg-pool/.test(url),
  ],
  ['audit (insert, batching; Sequelize)', (url) => /audit-writer|sqlite3|sequelize/.test(url)],
  ['shared cache (tenant lookups)', (url) => /shared-cache/.test(url)],
  [
    'access log line (pino, redaction, sync write)',
    (url, name) => /pino|sonic-boom|logging\.js/.test(url) || name === 'writeString',
  ],
  ['@tenantdash/core (HMAC token, embed URL)', (url) => /packages\/core|@tenantdash\/core/.test(url)],
  ['token SHA-256 for the audit row', (_url, name) => name === 'sha256Hex'],
  ['JWT cache + identity', (url) => /plugins\/auth\.js/.test(url)],
  ['rate limit', (url) => /rate-limit|toad-cache/.test(url)],
  ['security headers + CORS', (url) => /security-headers|@fastify\+cors/.test(url)],
  [
    'body parsing + schema validation',
    (url, name) =>
      /secure-json-parse|content-type-parser|validation\.js/.test(url) || /^validate\d*$/.test(name),
  ],
  ['response serialisation', (url, name) => /fast-json-stringify/.test(url) || name === 'serialize'],
  ['socket writes (writev, kernel included)', (_url, name) => /^writev(Generic)?$|^writeBuffer$/.test(name)],
  [
    "Node's HTTP (parser, headers, streams, events)",
    (url) => /node:_http|node:net|node:internal\/stream|node:internal\/http|node:events/.test(url),
  ],
  ['Fastify (routing, hooks, reply)', (url) => /fastify@|find-my-way|avvio/.test(url)],
  ['route handler + mint service', (url) => /iframe-token|services\/tokens|services\/store/.test(url)],
  ['GC', (_url, name) => name === '(garbage collector)'],
];
const OTHER = 'other (promises, timers, uncategorised native)';

const parts = new Map();
const functions = new Map();
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i] < start || times[i] > end) continue;
  const weight = profile.timeDeltas[i + 1] ?? 0;
  const leaf = nodes.get(profile.samples[i]).callFrame;
  if (leaf.functionName === '(idle)') continue;
  busy += weight;
  const where = leaf.url.replace(/.*node_modules\/\.pnpm\//, '').replace(/.*\/(apps|packages)\//, '$1/');
  const key = `${leaf.functionName || '(anonymous)'} ${where}:${leaf.lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + weight);
  let part = OTHER;
  search: for (let id = profile.samples[i]; id !== undefined; id = parents.get(id)) {
    const { url, functionName } = nodes.get(id).callFrame;
    for (const [name, test] of PARTS) {
      if (test(url, functionName)) {
        part = name;
        break search;
      }
    }
  }
  parts.set(part, (parts.get(part) ?? 0) + weight);
}

const print = (title, entries, limit = Infinity) => {
  console.log(`\n${title}`);
  for (const [name, weight] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(
      `${((100 * weight) / busy).toFixed(1).padStart(5)} %  ${(weight / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
};
console.log(`main thread busy ${(busy / 1000).toFixed(0)} ms of the last ${seconds} s`);
print('by part of the token endpoint', parts);
print('functions by self time', functions, Number(top));
