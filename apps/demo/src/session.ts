/**
 * The signed-in user, kept in sessionStorage (gone with the tab), and the one helper that calls the token
 * server with the user's bearer JWT. Errors keep the server's stable `code`.
 */
import type { DemoUser } from './demo-users';

export interface Session {
  token: string;
  expires_at: number;
  user: DemoUser;
}

const KEY = 'acme-analytics-session';

export function loadSession(): Session | undefined {
  try {
    const text = sessionStorage.getItem(KEY);
    const session = text ? (JSON.parse(text) as Session) : undefined;
    return session && session.expires_at * 1000 > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function problemOf(answer: Response): Promise<ApiProblem> {
  try {
    const body = (await answer.json()) as { code?: string; message?: string };
    return new ApiProblem(answer.status, body.code ?? 'HTTP_ERROR', body.message ?? `HTTP ${answer.status}`);
  } catch {
    return new ApiProblem(answer.status, 'HTTP_ERROR', `HTTP ${answer.status}`);
  }
}

/** Signs in through the development-only identity endpoint (see identity/plugin.ts). */
export async function signIn(choice: { email: string } | { tenant_id: string }): Promise<Session> {
  const answer = await fetch('/demo-identity/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(choice),
  });
  if (answer.status === 404) {
    throw new ApiProblem(
      404,
      'NO_DEMO_IDENTITY',
      'Demo sign-in exists only in the dev server: run `pnpm demo`.',
    );
  }
  if (!answer.ok) throw await problemOf(answer);
  return (await answer.json()) as Session;
}

export async function api<T>(session: Session, path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${session.token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const answer = await fetch(`/api/v1${path}`, { ...init, headers, cache: 'no-store' });
  if (!answer.ok) throw await problemOf(answer);
  return (await answer.json()) as T;
}
