/**
 * The signed HTTP client for Papermap's data API (docs/papermap-protocol.md §5). Every request is signed afresh with
 * @tenantdash/core, bounded by a timeout, and retried with exponential backoff only when a retry cannot
 * duplicate work: reads on any transient failure, the dashboard create only when Papermap (or a gateway in
 * front of it) answered that it did not process the request, or the connection was refused.
 */
import { papermapApiUrl, signRequest } from '@tenantdash/core';
import { apiError, type ApiError } from '../errors.js';

export interface PapermapClientOptions {
  apiKeyId: string;
  secretKey: string;
  workspaceId: string;
  apiUrl: string;
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  /** Called for each failed attempt, with no secret in it: lets the app log upstream trouble. */
  onAttemptFailed?: (info: {
    operation: string;
    attempt: number;
    reason: string;
    willRetry: boolean;
  }) => void;
  /** Called once per HTTP attempt (retries included) with its outcome and duration: feeds the metrics. */
  onUpstreamResult?: (result: UpstreamResult) => void;
  now?: () => number;
}

export type UpstreamOperation = 'create_dashboard' | 'tenant_usage';
/** `invalid_body`: a 2xx answer whose body is not JSON. Refused connections count as `network`. */
export type UpstreamOutcome = 'ok' | 'http_4xx' | 'http_5xx' | 'timeout' | 'network' | 'invalid_body';
export const UPSTREAM_OPERATIONS: readonly UpstreamOperation[] = ['create_dashboard', 'tenant_usage'];
export const UPSTREAM_OUTCOMES: readonly UpstreamOutcome[] = [
  'ok',
  'http_4xx',
  'http_5xx',
  'timeout',
  'network',
  'invalid_body',
];

export interface UpstreamResult {
  operation: UpstreamOperation;
  outcome: UpstreamOutcome;
  seconds: number;
}

export interface CreatedDashboard {
  dashboard_id: string;
  title?: unknown;
  description?: unknown;
}

export interface UsageQuery {
  from_period?: string;
  to_period?: string;
  page?: number;
  per_page?: number;
}

type Failure =
  | { kind: 'timeout' }
  | { kind: 'refused' }
  | { kind: 'network' }
  | { kind: 'status'; status: number }
  | { kind: 'body' };

const CREATE_RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

class AttemptFailed extends Error {
  constructor(readonly failure: Failure) {
    super(failure.kind);
  }
}

function upstreamError(failure: Failure): ApiError {
  return apiError(failure.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_ERROR');
}

function describe(failure: Failure): string {
  return failure.kind === 'status' ? `status ${failure.status}` : failure.kind;
}

function outcomeOf(failure: Failure): UpstreamOutcome {
  switch (failure.kind) {
    case 'status':
      return failure.status >= 500 ? 'http_5xx' : 'http_4xx';
    case 'timeout':
      return 'timeout';
    case 'body':
      return 'invalid_body';
    default:
      return 'network';
  }
}

// The operation names in log lines (kept as they were) and in metric labels (snake_case, as Prometheus labels
// usually are).
const LOG_NAMES: Record<UpstreamOperation, string> = {
  create_dashboard: 'create-dashboard',
  tenant_usage: 'tenant-usage',
};

function classify(error: unknown): Failure {
  if (error instanceof AttemptFailed) return error.failure;
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout' };
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  if (code === 'ECONNREFUSED') return { kind: 'refused' };
  return { kind: 'network' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PapermapClient {
  constructor(private readonly options: PapermapClientOptions) {}

  get workspaceId(): string {
    return this.options.workspaceId;
  }

  /** A client like this one (timeouts, retries, observers) for another workspace and its key. */
  forWorkspace(workspace: { workspaceId: string; apiKeyId: string; secretKey: string }): PapermapClient {
    return new PapermapClient({ ...this.options, ...workspace });
  }

  /** POST /api/v1/external/dashboards. Accepts the id at `data.dashboard_id` or `data.data.dashboard_id`. */
  async createDashboard(input: {
    title: string;
    description: string | null;
    tenantId: string;
  }): Promise<CreatedDashboard> {
    const body = JSON.stringify({
      workspace_id: this.options.workspaceId,
      title: input.title,
      description: input.description,
    });
    const json = await this.request('create_dashboard', '/api/v1/external/dashboards', {
      method: 'POST',
      body,
      tenantId: input.tenantId,
      retryable: (failure) =>
        failure.kind === 'refused' ||
        (failure.kind === 'status' && CREATE_RETRYABLE_STATUSES.has(failure.status)),
    });
    const data = (json as { data?: Record<string, unknown> } | null)?.data;
    const inner = data?.data as Record<string, unknown> | undefined;
    const id = typeof data?.dashboard_id === 'string' ? data.dashboard_id : inner?.dashboard_id;
    if (typeof id !== 'string' || id === '') throw upstreamError({ kind: 'body' });
    const source = typeof data?.dashboard_id === 'string' ? data : inner;
    return { dashboard_id: id, title: source?.title, description: source?.description };
  }

  /** GET /api/v1/external/workspaces/{id}/tenant-usage; the answer's `data` is returned as Papermap sent it. */
  async tenantUsage(query: UsageQuery, tenantId?: string): Promise<Record<string, unknown>> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const search = params.size > 0 ? `?${params.toString()}` : '';
    const path = `/api/v1/external/workspaces/${encodeURIComponent(this.options.workspaceId)}/tenant-usage${search}`;
    const json = await this.request('tenant_usage', path, {
      method: 'GET',
      ...(tenantId !== undefined ? { tenantId } : {}),
      retryable: (failure) =>
        failure.kind !== 'body' &&
        (failure.kind !== 'status' || failure.status >= 500 || failure.status === 429),
    });
    const data = (json as { data?: unknown } | null)?.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw upstreamError({ kind: 'body' });
    return data as Record<string, unknown>;
  }

  private async request(
    operation: UpstreamOperation,
    path: string,
    options: { method: string; body?: string; tenantId?: string; retryable: (failure: Failure) => boolean },
  ): Promise<unknown> {
    const { retries, retryBaseDelayMs, onAttemptFailed, onUpstreamResult } = this.options;
    for (let attempt = 1; ; attempt++) {
      // A monotonic clock for durations: `options.now` is the wall clock the signatures use.
      const started = performance.now();
      let json: unknown;
      try {
        json = await this.attempt(path, options);
      } catch (error) {
        const failure = classify(error);
        onUpstreamResult?.({
          operation,
          outcome: outcomeOf(failure),
          seconds: (performance.now() - started) / 1000,
        });
        const willRetry = attempt <= retries && options.retryable(failure);
        onAttemptFailed?.({ operation: LOG_NAMES[operation], attempt, reason: describe(failure), willRetry });
        if (!willRetry) throw upstreamError(failure);
        await sleep(retryBaseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
        continue;
      }
      // Outside the try: an observer's own failure must not pass for an upstream one.
      onUpstreamResult?.({ operation, outcome: 'ok', seconds: (performance.now() - started) / 1000 });
      return json;
    }
  }

  private async attempt(
    path: string,
    options: { method: string; body?: string; tenantId?: string },
  ): Promise<unknown> {
    const signed = await signRequest({
      apiKeyId: this.options.apiKeyId,
      secretKey: this.options.secretKey,
      workspaceId: this.options.workspaceId,
      ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    const response = await fetch(papermapApiUrl(path, this.options.apiUrl), {
      method: options.method,
      headers: { ...signed, 'Content-Type': 'application/json', Accept: 'application/json' },
      ...(options.body !== undefined ? { body: options.body } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs),
      redirect: 'error',
    });
    const text = await response.text();
    if (!response.ok) throw new AttemptFailed({ kind: 'status', status: response.status });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AttemptFailed({ kind: 'body' });
    }
  }
}
