/**
 * Tells "the database cannot be reached right now" (answered 503 + Retry-After, the client retries) from
 * every other database error (a bug: 500). Sequelize wraps connection failures in ConnectionError and its
 * subclasses (refused, timed out, pool acquire timeout); a connection that dies under a query surfaces as a
 * DatabaseError carrying the driver's error: PostgreSQL's class 08 (connection exception) and 57P0x (the
 * server shutting down or an administrator terminating the session), or node-postgres' own messages.
 */
import { BaseError, ConnectionError, DatabaseError, TimeoutError } from 'sequelize';
import { apiError } from '../errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const POSTGRES_UNAVAILABLE = /^(08|57P0[1-3]$|53300$)/;
const DRIVER_MESSAGES = /Connection terminated|not queryable|Connection ended|connection timeout/i;

function driverUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) return true;
  // SQLite: another process holds the write lock past the busy timeout.
  if (code === 'SQLITE_BUSY') return true;
  return typeof message === 'string' && DRIVER_MESSAGES.test(message);
}

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  if (error instanceof DatabaseError) return driverUnavailable(error.parent);
  if (error instanceof BaseError) return false;
  return driverUnavailable(error);
}

export const databaseUnavailable = () => apiError('DATABASE_UNAVAILABLE');
