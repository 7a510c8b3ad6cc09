import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { referenceSignature, VECTORS } from '@tenantdash/test-utils';
import {
  buildTestSandbox,
  dashboardCount,
  listen,
  NOW_MS,
  signedHeaders,
  vectorWorkspaces,
  type TestClock,
} from './helpers.js';

const NOW_S = Math.floor(NOW_MS / 1000);
const CREATE = '/api/v1/external/dashboards';
const body = (workspace = 'ws_demo') => ({ workspace_id: workspace, title: 'Q1 revenue', description: null });

let app: FastifyInstance;
let clock: TestClock;

beforeEach(async () => {
  ({ app, clock } = await buildTestSandbox({
    workspaces: [
      { id: 'ws_7', apiKeys: [{ id: 'ak_kit', secret: 'kit-test-secret-0000000000000000' }] },
      { id: 'ws_', apiKeys: [{ id: 'ak_shift', secret: 'kit-test-secret-0000000000000000' }] },
      { id: 'ws_other', apiKeys: [{ id: 'ak_other', secret: 'sk_other_secret_value' }] },
    ],
  }));
});
afterEach(async () => {
  await app.close();
});

async function create(headers: Record<string, string>, payload: unknown = body()) {
  return app.inject({ method: 'POST', url: CREATE, headers, payload: payload as Record<string, unknown> });
}

describe('accepted signatures', () => {
  it('accepts the known answer of docs/papermap-protocol.md section 8 (ws_7, 1700000000)', async () => {
    clock.set(1_700_000_000_000 - 60_000);
    const headers = {
      'X-API-Key-ID': 'ak_kit',
      'X-Workspace-ID': 'ws_7',
      'X-Valid-Until': '1700000000',
      'X-Signature': 'e1b0e75bbc94587d998b546921ba6ccfd636048b5e18469d1f90068a82fe6ecd',
      'Content-Type': 'application/json',
    };
    const response = await create(headers, body('ws_7'));
    expect(response.statusCode).toBe(200);
    expect(response.json().data.workspace_id).toBe('ws_7');
  });

  it('accepts the X-Signature of every shared vector', async () => {
    const cases = VECTORS.cases;
    const vectorApp = (
      await buildTestSandbox({ workspaces: vectorWorkspaces(cases), now: () => VECTORS.now_ms })
    ).app;
    try {
      for (const c of cases) {
        const headers = {
          'X-API-Key-ID': c.api_key_id,
          'X-Workspace-ID': c.workspace_id,
          'X-Valid-Until': String(c.valid_until),
          'X-Signature': c.signature,
          'Content-Type': 'application/json',
        };
        const response = await vectorApp.inject({
          method: 'POST',
          url: CREATE,
          headers,
          payload: body(c.workspace_id),
        });
        expect(response.statusCode, c.workspace_id).toBe(200);
      }
    } finally {
      await vectorApp.close();
    }
  });

  it('accepts independently computed signatures at several lifetimes, with lowercase header names', async () => {
    for (const ttl of [1, 60, 300, 3600, 86_400]) {
      const headers = Object.fromEntries(
        Object.entries(signedHeaders({ validUntil: NOW_S + ttl })).map(([k, v]) => [k.toLowerCase(), v]),
      );
      expect((await create(headers)).statusCode).toBe(200);
    }
    expect(await dashboardCount(app)).toBe(5);
  });
});

describe('refused signatures (401, never 5xx, nothing stored)', () => {
  const valid = () => signedHeaders({ validUntil: NOW_S + 300 });
  const signature = valid()['X-Signature'] as string;
  const flip = (hex: string, i: number) => hex.slice(0, i) + (hex[i] === '0' ? '1' : '0') + hex.slice(i + 1);

  const cases: Array<[string, () => Record<string, string>, string]> = [
    ['tampered signature', () => ({ ...valid(), 'X-Signature': flip(signature, 10) }), 'INVALID_SIGNATURE'],
    [
      'truncated signature',
      () => ({ ...valid(), 'X-Signature': signature.slice(0, 63) }),
      'MALFORMED_AUTH_HEADERS',
    ],
    [
      're-cased signature',
      () => ({ ...valid(), 'X-Signature': signature.toUpperCase() }),
      'MALFORMED_AUTH_HEADERS',
    ],
    [
      'signature with padding',
      () => ({ ...valid(), 'X-Signature': `${signature}=` }),
      'MALFORMED_AUTH_HEADERS',
    ],
    [
      'base64 signature',
      () => ({ ...valid(), 'X-Signature': Buffer.from(signature, 'hex').toString('base64') }),
      'MALFORMED_AUTH_HEADERS',
    ],
    ['valid_until edited', () => ({ ...valid(), 'X-Valid-Until': String(NOW_S + 301) }), 'INVALID_SIGNATURE'],
    [
      'leading zero valid_until',
      () => ({ ...valid(), 'X-Valid-Until': `0${NOW_S + 300}` }),
      'MALFORMED_AUTH_HEADERS',
    ],
    [
      'fractional valid_until',
      () => ({ ...valid(), 'X-Valid-Until': `${NOW_S + 300}.0` }),
      'MALFORMED_AUTH_HEADERS',
    ],
    [
      'missing signature',
      () => {
        const h = valid();
        delete h['X-Signature'];
        return h;
      },
      'MISSING_AUTH_HEADERS',
    ],
    ['empty key id', () => ({ ...valid(), 'X-API-Key-ID': '' }), 'MISSING_AUTH_HEADERS'],
    ['unknown key', () => signedHeaders({ apiKeyId: 'ak_nobody' }), 'INVALID_API_KEY'],
    [
      'key of another workspace',
      () => signedHeaders({ apiKeyId: 'ak_other', secret: 'sk_other_secret_value' }),
      'WORKSPACE_MISMATCH',
    ],
    ['wrong secret', () => signedHeaders({ secret: 'sk_demo_wrong' }), 'INVALID_SIGNATURE'],
    ['too far ahead', () => signedHeaders({ validUntil: NOW_S + 86_401 }), 'VALID_UNTIL_TOO_FAR'],
    ['oversized tenant id', () => signedHeaders({ tenantId: 't'.repeat(256) }), 'MALFORMED_AUTH_HEADERS'],
  ];

  for (const [name, headers, code] of cases) {
    it(name, async () => {
      const response = await create(headers());
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: expect.any(String), code, status: 401 });
      expect(response.body).not.toContain(signature);
      expect(await dashboardCount(app)).toBe(0);
    });
  }

  it("answers an expired signature with Papermap's documented body exactly", async () => {
    const headers = signedHeaders({ validUntil: NOW_S + 300 });
    clock.advance(301_000);
    const response = await create(headers);
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":"Token expired","code":"TOKEN_EXPIRED","status":401}');
  });

  it('refuses the no-separator shift ("ws_7", 1700000000) → ("ws_", 71700000000)', async () => {
    clock.set(1_700_000_000_000 - 60_000);
    const mac = referenceSignature('kit-test-secret-0000000000000000', 'ws_7', 1_700_000_000);
    expect(referenceSignature('kit-test-secret-0000000000000000', 'ws_', '71700000000')).toBe(mac);
    // With the ws_7 key the shifted workspace is not its own...
    const shifted = { 'X-Workspace-ID': 'ws_', 'X-Valid-Until': '71700000000', 'X-Signature': mac };
    const viaKit = await create({ ...signedHeaders({ apiKeyId: 'ak_kit' }), ...shifted }, body('ws_'));
    expect(viaKit.json()).toMatchObject({ code: 'WORKSPACE_MISMATCH', status: 401 });
    // ...and even a key bound to ws_ with the same secret: the MAC matches, the lifetime cap refuses it.
    const viaShift = await create({ ...signedHeaders({ apiKeyId: 'ak_shift' }), ...shifted }, body('ws_'));
    expect(viaShift.json()).toMatchObject({ code: 'VALID_UNTIL_TOO_FAR', status: 401 });
    expect(await dashboardCount(app, 'ws_')).toBe(0);
  });

  it('checks the signature before the body: an unsigned bad body is a 401', async () => {
    const response = await app.inject({
      method: 'POST',
      url: CREATE,
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(response.statusCode).toBe(401);
  });

  it('refuses a duplicated signature header', async () => {
    const headers = valid();
    const response = await app.inject({
      method: 'POST',
      url: CREATE,
      headers: { ...headers, 'x-signature': [signature, signature] } as unknown as Record<string, string>,
      payload: body(),
    });
    expect(response.statusCode).toBe(401);
  });

  it('stays 4xx under a burst of random mutations of a valid request', async () => {
    const base = valid();
    const alphabet = '0123456789abcdefABCDEF=_-+/ ';
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 120; i++) {
      const headers = { ...base };
      const key = (Object.keys(headers) as Array<keyof typeof headers>)[rand(4)] as string;
      const value = headers[key] ?? '';
      const at = rand(value.length + 1);
      const op = rand(3);
      headers[key] =
        op === 0
          ? value.slice(0, at) + alphabet[rand(alphabet.length)] + value.slice(at)
          : op === 1
            ? value.slice(0, at) + value.slice(at + 1)
            : value.slice(0, at) + alphabet[rand(alphabet.length)] + value.slice(at + 1);
      const response = await create(headers);
      expect(response.statusCode).toBeGreaterThanOrEqual(200);
      expect(response.statusCode).toBeLessThan(500);
      if (response.statusCode !== 200) expect(response.json().status).toBe(response.statusCode);
    }
  });
});

describe('create-dashboard body validation (400, same error shape, nothing stored)', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      'another workspace in the body',
      { workspace_id: 'ws_other', title: 'x', description: null },
      'WORKSPACE_MISMATCH',
    ],
    ['missing workspace_id', { title: 'x', description: null }, 'INVALID_WORKSPACE_ID'],
    ['missing title', { workspace_id: 'ws_demo', description: null }, 'INVALID_TITLE'],
    ['blank title', { workspace_id: 'ws_demo', title: '   ', description: null }, 'INVALID_TITLE'],
    ['numeric title', { workspace_id: 'ws_demo', title: 5, description: null }, 'INVALID_TITLE'],
    [
      'title too long',
      { workspace_id: 'ws_demo', title: 'x'.repeat(256), description: null },
      'INVALID_TITLE',
    ],
    ['numeric description', { workspace_id: 'ws_demo', title: 'x', description: 7 }, 'INVALID_DESCRIPTION'],
    [
      'description too long',
      { workspace_id: 'ws_demo', title: 'x', description: 'd'.repeat(2001) },
      'INVALID_DESCRIPTION',
    ],
    ['an array body', [1, 2], 'INVALID_BODY'],
  ];
  for (const [name, payload, code] of cases) {
    it(name, async () => {
      const response = await app.inject({
        method: 'POST',
        url: CREATE,
        headers: signedHeaders(),
        payload: JSON.stringify(payload),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: expect.any(String), code, status: 400 });
      expect(await dashboardCount(app)).toBe(0);
    });
  }

  it('refuses invalid JSON and non-JSON content types in the same shape', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: CREATE,
      headers: signedHeaders(),
      payload: '{"title":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'The body is not valid JSON', code: 'INVALID_JSON', status: 400 });
    const xml = await app.inject({
      method: 'POST',
      url: CREATE,
      headers: { ...signedHeaders(), 'Content-Type': 'application/xml' },
      payload: '<dashboard/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
    // text/plain too, as the README says: only application/json is read.
    const text = await app.inject({
      method: 'POST',
      url: CREATE,
      headers: { ...signedHeaders(), 'Content-Type': 'text/plain' },
      payload: '{"workspace_id":"ws_demo","title":"x"}',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toEqual({
      error: 'The body must be application/json',
      code: 'UNSUPPORTED_MEDIA_TYPE',
      status: 415,
    });
  });

  it('accepts a 255-character astral title, an omitted description, and ignores unknown fields', async () => {
    const title = '😀'.repeat(255);
    const response = await create(signedHeaders(), { workspace_id: 'ws_demo', title, extra: true });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ title, description: null });
  });
});

describe('the answer', () => {
  it('matches docs/papermap-protocol.md section 5 field for field', async () => {
    const response = await create(signedHeaders(), {
      workspace_id: 'ws_demo',
      title: 'Q1',
      description: 'Per region',
    });
    const json = response.json();
    expect(Object.keys(json)).toEqual(['message', 'success', 'data']);
    expect(json.success).toBe(true);
    expect(Object.keys(json.data)).toEqual([
      'dashboard_id',
      'title',
      'description',
      'workspace_id',
      'dashboard_status',
      'created_by',
      'modified_by',
      'deleted_by',
      'meta',
      'configuration',
      'is_public',
      'created_at',
      'modified_at',
    ]);
    expect(json.data).toMatchObject({
      title: 'Q1',
      description: 'Per region',
      workspace_id: 'ws_demo',
      dashboard_status: 'active',
      created_by: 'ak_demo',
      is_public: false,
      created_at: new Date(NOW_MS).toISOString(),
      modified_at: new Date(NOW_MS).toISOString(),
    });
    expect(json.data.dashboard_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the same API over a real socket', async () => {
    const base = await listen(app);
    const ok = await fetch(`${base}${CREATE}`, {
      method: 'POST',
      headers: signedHeaders(),
      body: JSON.stringify(body()),
    });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${base}${CREATE}`, {
      method: 'POST',
      headers: { ...signedHeaders(), 'X-Signature': '0'.repeat(64) },
      body: JSON.stringify(body()),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: 'Invalid signature',
      code: 'INVALID_SIGNATURE',
      status: 401,
    });
  });
});
