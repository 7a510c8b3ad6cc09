import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { loggerOptions, redactLine, REDACTED_KEYS } from '../src/logging.js';

it('leaves lines without a sensitive key untouched (the common case)', () => {
  const line = '{"level":30,"msg":"embed token issued","tenant_id":"t1","tokens":[1],"token_count":2}\n';
  expect(redactLine(line)).toBe(line);
});

it('replaces the value of every sensitive key at any depth, whatever its type or case', () => {
  const line = `${JSON.stringify({
    level: 30,
    token: 'tok',
    signature: 12,
    req: {
      headers: { Authorization: 'Bearer x', cookie: ['a', 'b'], 'x-admin-key': 'k', 'X-Signature': 's' },
    },
    nested: { deeper: { secretKey: { value: 'sk' }, secret_key: null } },
    msg: 'issued',
  })}\n`;
  expect(JSON.parse(redactLine(line))).toEqual({
    level: 30,
    token: '[redacted]',
    signature: '[redacted]',
    req: {
      headers: {
        Authorization: '[redacted]',
        cookie: '[redacted]',
        'x-admin-key': '[redacted]',
        'X-Signature': '[redacted]',
      },
    },
    nested: { deeper: { secretKey: '[redacted]', secret_key: '[redacted]' } },
    msg: 'issued',
  });
  expect(redactLine(line).endsWith('}\n')).toBe(true);
});

it('withholds a string that carries JSON with a sensitive key (an object interpolated into a message)', () => {
  const line = `${JSON.stringify({ level: 30, msg: `minted ${JSON.stringify({ token: 'tok' })}`, n: 1 })}\n`;
  expect(JSON.parse(redactLine(line))).toEqual({ level: 30, msg: '[redacted]', n: 1 });
});

it('covers the header and field names the README lists', () => {
  expect([...REDACTED_KEYS].sort()).toEqual(
    [
      'authorization',
      'cookie',
      'secret_key',
      'secretkey',
      'signature',
      'token',
      'x-admin-key',
      'x-signature',
    ].sort(),
  );
});

it('is applied to what the server logger writes', async () => {
  const lines: string[] = [];
  const app = Fastify({ logger: loggerOptions('info', { write: (line) => void lines.push(line) }) });
  app.log.info({ token: 'tok_secret', user: { signature: 'sig_secret' } }, 'one');
  app.log.info('two %j', { secretKey: 'sk_secret' });
  app.log.info({ tenant_id: 't1' }, 'three');
  await app.close();
  const text = lines.join('');
  for (const secret of ['tok_secret', 'sig_secret', 'sk_secret']) expect(text).not.toContain(secret);
  expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
    'one',
    '[redacted]',
    'three',
  ]);
  expect(JSON.parse(lines[0]!)).toMatchObject({ token: '[redacted]', user: { signature: '[redacted]' } });
});
