// Mints embed tokens for a few seconds and compares createEmbedToken with a bare baseline measured in the
// same run: node:crypto HMAC + JSON.stringify + base64, in a loop. Rounds alternate so that both sides see
// the same machine state; each side's figure is its median round. Target: ratio >= 0.8.
import { createHmac } from 'node:crypto';
import { createEmbedToken } from '../dist/node/index.js';

const ROUNDS = 7;
const ROUND_MS = 400;
const KEY = {
  apiKeyId: 'ak_bench',
  secretKey: 'sk_bench_0123456789abcdef0123456789abcdef',
  workspaceId: 'ws_bench',
};
const TARGET = { tenantId: 'tenant-00042', dashboardId: 'dash-00042' };
const OPTIONS = { ...KEY, ...TARGET };

function baselineToken(now) {
  const validUntil = Math.floor(now / 1000) + 3600;
  const signature = createHmac('sha256', KEY.secretKey)
    .update(KEY.workspaceId + validUntil)
    .digest('hex');
  const json = JSON.stringify({
    api_key_id: KEY.apiKeyId,
    workspace_id: KEY.workspaceId,
    tenant_id: TARGET.tenantId,
    dashboard_id: TARGET.dashboardId,
    valid_until: validUntil,
    signature,
  });
  return Buffer.from(json).toString('base64url');
}

// Each side mints in batches between clock reads; the token lengths are summed so no work is optimised away.
function measureBaseline() {
  let count = 0;
  let sink = 0;
  const started = performance.now();
  while (performance.now() - started < ROUND_MS) {
    for (let i = 0; i < 100; i++) sink += baselineToken(Date.now()).length;
    count += 100;
  }
  return rate(count, started, sink);
}

async function measureCreateEmbedToken() {
  let count = 0;
  let sink = 0;
  const started = performance.now();
  while (performance.now() - started < ROUND_MS) {
    for (let i = 0; i < 100; i++) sink += (await createEmbedToken(OPTIONS)).token.length;
    count += 100;
  }
  return rate(count, started, sink);
}

// Every token a second further out: a new MAC each time, so the memo of minted MACs never helps (a server
// minting less than once a second per workspace).
async function measureCreateEmbedTokenNewMac() {
  let count = 0;
  let sink = 0;
  let clock = Date.now();
  const options = { ...OPTIONS, now: () => (clock += 1000) };
  const started = performance.now();
  while (performance.now() - started < ROUND_MS) {
    for (let i = 0; i < 100; i++) sink += (await createEmbedToken(options)).token.length;
    count += 100;
  }
  return rate(count, started, sink);
}

function rate(count, started, sink) {
  if (sink === 0) throw new Error('nothing was minted');
  return (count * 1000) / (performance.now() - started);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sides = {
  baseline: measureBaseline,
  createEmbedToken: measureCreateEmbedToken,
  newMac: measureCreateEmbedTokenNewMac,
};

const rates = { baseline: [], createEmbedToken: [], newMac: [] };
for (const measure of Object.values(sides)) await measure(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, measure] of Object.entries(sides)) rates[name].push(await measure());
}

const baseline = median(rates.baseline);
const ours = median(rates.createEmbedToken);
const oursNewMac = median(rates.newMac);
const ratio = ours / baseline;
console.log(`node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms each, medians`);
console.log(
  `${'baseline (HMAC + JSON.stringify + base64)'.padEnd(44)} ${Math.round(baseline).toLocaleString('en-US').padStart(10)} tokens/s`,
);
console.log(
  `${'createEmbedToken'.padEnd(44)} ${Math.round(ours).toLocaleString('en-US').padStart(10)} tokens/s`,
);
console.log(
  `${'createEmbedToken, a new MAC every token'.padEnd(44)} ${Math.round(oursNewMac).toLocaleString('en-US').padStart(10)} tokens/s`,
);
console.log(`${'ratio (target >= 0.8)'.padEnd(44)} ${ratio.toFixed(2).padStart(10)}`);
console.log(
  `${'ratio, a new MAC every token'.padEnd(44)} ${(oursNewMac / baseline).toFixed(2).padStart(10)}`,
);
