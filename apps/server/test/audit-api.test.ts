/**
 * GET /api/v1/audit and /api/v1/audit/summary on both engines: filters, cursor pages (also while rows arrive),
 * the summary's counts, who may read them, bad input, and that no answer holds a token or a JWT.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminKey, bearer, jwt, provisionTenant, useTestStack } from './helper.js';

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const MINUTE = 60_000;
let clock = T0;

const stack = useTestStack({ app: { now: () => clock } });
const dashboards: Record<string, string> = {};
/** Every token and JWT these tests saw: none may appear in an audit answer. */
const secrets: string[] = [];
/** The rows expected, oldest first: [subject, tenant, issued ms, token sha256]. */
const issued: { subject: string; tenant: string; at: number; sha: string }[] = [];

async function issue(sub: string | 'admin-key', tenant: string, tenants: string[] = [tenant]) {
  const headers =
    sub === 'admin-key'
      ? adminKey
      : bearer(await jwt({ sub, tenants }).then((token) => (secrets.push(token), token)));
  const response = await stack.server.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards/iframe-token',
    headers,
    payload: { tenant_id: tenant },
  });
  expect(response.statusCode).toBe(200);
  const { token } = response.json<{ token: string }>();
  secrets.push(token);
  issued.push({
    subject: sub === 'admin-key' ? 'admin-key' : `user:${sub}`,
    tenant,
    at: clock,
    sha: createHash('sha256').update(token).digest('hex'),
  });
}

const get = async (url: string, headers: Record<string, string> = adminKey) => {
  const response = await stack.server.app.inject({ url, headers });
  for (const secret of secrets) expect(response.body).not.toContain(secret);
  return response;
};
const page = async (query: string) => (await get(`/api/v1/audit${query}`)).json();
const newestFirst = () => [...issued].reverse();
const view = (row: (typeof issued)[number]) => ({
  subject: row.subject,
  tenant_id: row.tenant,
  dashboard_id: dashboards[row.tenant],
  issued_at: new Date(row.at).toISOString(),
  expires_at: new Date(row.at + 3_600_000).toISOString(),
  token_sha256: row.sha,
  ip: '127.0.0.1',
  user_agent: 'lightMyRequest',
});
const strip = (items: Record<string, unknown>[]) => items.map(({ id: _id, ...rest }) => rest);

beforeAll(async () => {
  for (const tenant of ['acme', 'globex', 'initech']) {
    dashboards[tenant] = (await provisionTenant(stack.server.app, tenant)).dashboard_id;
  }
  await issue('alice', 'acme');
  clock += MINUTE;
  await issue('bob', 'globex');
  clock += MINUTE;
  await issue('alice', 'acme');
  clock += MINUTE;
  await issue('mallory', 'acme', ['acme', 'globex', 'initech']);
  clock += MINUTE;
  await issue('mallory', 'globex', ['acme', 'globex', 'initech']);
  // Two rows at the same instant: pages must split ties by id.
  await issue('mallory', 'initech', ['acme', 'globex', 'initech']);
  clock += MINUTE;
  await issue('admin-key', 'initech');
});

describe('GET /api/v1/audit', () => {
  it('answers every issued token newest first, with its hash and never the token', async () => {
    const body = await page('');
    expect(strip(body.items)).toEqual(newestFirst().map(view));
    expect(body.next_cursor).toBeNull();
    const ids = body.items.map((item: { id: number }) => item.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
  });

  it.each([
    ['tenant_id=acme', (row: (typeof issued)[number]) => row.tenant === 'acme'],
    ['subject=user:mallory', (row: (typeof issued)[number]) => row.subject === 'user:mallory'],
    ['subject=admin-key', (row: (typeof issued)[number]) => row.subject === 'admin-key'],
    [
      `from=${new Date(T0 + 2 * MINUTE).toISOString()}`,
      (row: (typeof issued)[number]) => row.at >= T0 + 2 * MINUTE,
    ],
    [
      `to=${new Date(T0 + 2 * MINUTE).toISOString()}`,
      (row: (typeof issued)[number]) => row.at < T0 + 2 * MINUTE,
    ],
    [
      `tenant_id=acme&subject=user:alice&from=2026-11-29T10:01:00Z&to=2026-11-29T12:00:00%2B01:00`,
      (row: (typeof issued)[number]) =>
        row.tenant === 'acme' && row.subject === 'user:alice' && row.at >= T0 + MINUTE,
    ],
  ])('filters by %s', async (query, keep) => {
    const body = await page(`?${query}`);
    expect(strip(body.items)).toEqual(newestFirst().filter(keep).map(view));
  });

  it('filters by dashboard', async () => {
    const body = await page(`?dashboard_id=${dashboards.globex}`);
    expect(strip(body.items)).toEqual(
      newestFirst()
        .filter((row) => row.tenant === 'globex')
        .map(view),
    );
  });

  it('walks every row once in pages of 2, ties included, while new rows arrive', async () => {
    const expected = newestFirst().map(view);
    const first = await page('?limit=2');
    expect(strip(first.items)).toEqual(expected.slice(0, 2));
    // A token issued after the first page: it is newer, so the next pages are not shifted by it.
    clock += MINUTE;
    await issue('bob', 'globex');
    const seen = [...first.items];
    let cursor: string | null = first.next_cursor;
    while (cursor !== null) {
      const next = await page(`?limit=2&cursor=${cursor}`);
      expect(next.items.length).toBeGreaterThan(0);
      seen.push(...next.items);
      cursor = next.next_cursor;
    }
    expect(strip(seen)).toEqual(expected);
    const again = await page('?limit=200');
    expect(strip(again.items)).toEqual(newestFirst().map(view));
  });

  it('answers an empty page for filters that match nothing', async () => {
    expect(await page('?tenant_id=nobody')).toEqual({ items: [], next_cursor: null });
  });
});

describe('GET /api/v1/audit/summary', () => {
  it('counts tokens per tenant and per subject, and ranks subjects by the tenants they reached', async () => {
    const to = new Date(clock + MINUTE).toISOString();
    const body = (await get(`/api/v1/audit/summary?from=2026-11-29&to=${to}`)).json();
    expect(body).toEqual({
      from: '2026-11-29T00:00:00.000Z',
      to,
      tokens: 8,
      tenants: 3,
      subjects: 4,
      by_tenant: [
        { tenant_id: 'globex', tokens: 3, subjects: 2 },
        { tenant_id: 'acme', tokens: 3, subjects: 2 },
        { tenant_id: 'initech', tokens: 2, subjects: 2 },
      ].sort((a, b) => b.tokens - a.tokens || a.tenant_id.localeCompare(b.tenant_id)),
      by_subject: [
        { subject: 'user:mallory', tokens: 3, tenants: 3 },
        { subject: 'user:alice', tokens: 2, tenants: 1 },
        { subject: 'user:bob', tokens: 2, tenants: 1 },
        { subject: 'admin-key', tokens: 1, tenants: 1 },
      ],
      widest_subjects: [
        { subject: 'user:mallory', tenants: 3, tokens: 3 },
        { subject: 'user:alice', tenants: 1, tokens: 2 },
        { subject: 'user:bob', tenants: 1, tokens: 2 },
        { subject: 'admin-key', tenants: 1, tokens: 1 },
      ],
    });
  });

  it('covers the day before now by default, and keeps `top` entries per list', async () => {
    const body = (await get('/api/v1/audit/summary?top=1')).json();
    // `to` is exclusive: the row issued at this very instant (the last bob/globex) is not in it.
    expect(body).toMatchObject({
      from: new Date(clock - 86_400_000).toISOString(),
      to: new Date(clock).toISOString(),
      tokens: 7,
      by_tenant: [{ tenant_id: 'acme', tokens: 3 }],
      by_subject: [{ subject: 'user:mallory' }],
      widest_subjects: [{ subject: 'user:mallory', tenants: 3 }],
    });
    const past = (await get('/api/v1/audit/summary?from=2026-01-01&to=2026-02-01')).json();
    expect(past).toMatchObject({ tokens: 0, tenants: 0, subjects: 0, by_tenant: [], by_subject: [] });
  });
});

describe('who may read it, and bad input', () => {
  it('is for admins: a member gets 403, nobody 401, an admin JWT 200', async () => {
    const member = await jwt({ sub: 'alice', tenants: ['acme'] });
    const admin = await jwt({ sub: 'ada', admin: true });
    secrets.push(member, admin);
    for (const path of ['/api/v1/audit', '/api/v1/audit/summary']) {
      expect((await get(path, bearer(member))).json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      expect((await get(path, {})).json()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
      expect((await get(path, bearer(admin))).statusCode).toBe(200);
    }
  });

  it.each([
    ['?from=yesterday', 400, 'VALIDATION_FAILED'],
    ['?from=2026-02-30', 400, 'VALIDATION_FAILED'],
    ['?from=2026-11-29T10:00:00', 400, 'VALIDATION_FAILED'],
    ['?from=2026-11-29&to=2026-11-29', 400, 'INVALID_TIME_RANGE'],
    ['?limit=0', 400, 'VALIDATION_FAILED'],
    ['?limit=201', 400, 'VALIDATION_FAILED'],
    ['?limit=1&limit=2', 400, 'VALIDATION_FAILED'],
    ['?cursor=not!base64', 400, 'VALIDATION_FAILED'],
    ['?cursor=WzEsMl0x', 400, 'INVALID_CURSOR'],
    [`?cursor=${Buffer.from('[1.5,2]').toString('base64url')}`, 400, 'INVALID_CURSOR'],
    [`?cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 400, 'INVALID_CURSOR'],
    ['?token=x', 400, 'VALIDATION_FAILED'],
    ['/summary?top=101', 400, 'VALIDATION_FAILED'],
    ['/summary?to=2026-01-01&from=2026-02-01', 400, 'INVALID_TIME_RANGE'],
  ])('refuses %s with %i %s', async (query, status, code) => {
    const response = await get(`/api/v1/audit${query}`);
    expect([response.statusCode, response.json().code]).toEqual([status, code]);
  });
});
