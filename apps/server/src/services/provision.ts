/**
 * Provisioning a tenant's dashboard: one signed create upstream, then the mapping stored.
 *
 * With an Idempotency-Key, a row keyed by it is inserted *before* Papermap is called; the primary key makes
 * that insert the lock, so two concurrent requests with one key cannot both reach Papermap. The row then
 * holds the answer, which a retry gets back verbatim. When the upstream call fails the row is removed, so
 * the client may retry with the same key, and no mapping is left behind.
 */
import { UniqueConstraintError } from 'sequelize';
import { apiError, MESSAGES } from '../errors.js';
import { headerSafe } from '../settings/id-pattern.js';
import type { Workspaces } from './workspaces.js';
import { dashboardView, type DashboardView, type Store } from './store.js';
import { sha256Hex } from './tokens.js';

export interface ProvisionInput {
  tenant_id: string;
  name: string;
  description: string | null;
  make_default: boolean;
  /** The workspace of a new tenant (the default one when absent); an existing tenant's must match. */
  workspace_id?: string;
}

export interface ProvisionResult {
  statusCode: number;
  body: DashboardView;
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw apiError('IDEMPOTENCY_KEY_INVALID');
  }
}

/**
 * The workspace the dashboard goes to, checked before Papermap is called so a refusal leaves nothing behind
 * upstream (the transaction checks again, for requests racing this one).
 */
async function workspaceFor(store: Store, workspaces: Workspaces, input: ProvisionInput): Promise<string> {
  if (input.workspace_id !== undefined && !workspaces.has(input.workspace_id))
    throw apiError('WORKSPACE_UNKNOWN');
  const current = await store.tenantWorkspace(input.tenant_id);
  const workspaceId = input.workspace_id ?? current ?? workspaces.defaultId;
  if (current !== null && current !== workspaceId) throw apiError('TENANT_WORKSPACE_CONFLICT');
  if (
    current === null &&
    workspaces.isolation === 'workspace' &&
    (await store.workspaceHasOtherTenant(workspaceId, input.tenant_id))
  )
    throw apiError('WORKSPACE_TAKEN');
  return workspaceId;
}

async function createAndStore(store: Store, workspaces: Workspaces, input: ProvisionInput, key?: string) {
  const workspaceId = await workspaceFor(store, workspaces, input);
  const client = workspaces.client(workspaceId);
  const created = await client.createDashboard({
    title: input.name,
    description: input.description,
    tenantId: input.tenant_id,
  });
  const body = await store.transaction(async (transaction) => {
    const row = await store.addDashboard(
      {
        tenantId: input.tenant_id,
        dashboardId: created.dashboard_id,
        workspaceId,
        name: input.name,
        description: input.description,
        makeDefault: input.make_default,
        exclusiveWorkspace: workspaces.isolation === 'workspace',
      },
      transaction,
    );
    const body = dashboardView(row);
    if (key !== undefined) {
      await store.models.IdempotencyRecord.update(
        { state: 'done', response_status: 201, response_body: JSON.stringify(body) },
        { where: { key }, transaction },
      );
    }
    return body;
  });
  await store.invalidate(input.tenant_id);
  return body;
}

/**
 * A `pending` record older than this belongs to a process that died mid-request (a live one gives up after
 * its upstream timeout and retries): a retry may take it over instead of getting 409 forever.
 */
const DEFAULT_STALE_PENDING_MS = 10 * 60 * 1000;

async function takeOver(store: Store, key: string, seen: Date): Promise<boolean> {
  const [count] = await store.models.IdempotencyRecord.update(
    { state: 'pending' },
    { where: { key, state: 'pending', updated_at: seen }, silent: false },
  );
  return count === 1;
}

export async function provisionDashboard(
  store: Store,
  workspaces: Workspaces,
  input: ProvisionInput,
  idempotencyKey?: string,
  options: { staleAfterMs?: number; now?: () => number } = {},
): Promise<ProvisionResult> {
  checkIdempotencyKey(idempotencyKey);
  // The tenant id travels in X-Tenant-ID: refused here, before anything is stored or sent, if a header cannot
  // carry it (an ID_PATTERN that admits such ids is refused at start, but a pattern can only be probed).
  if (!headerSafe(input.tenant_id)) throw apiError('VALIDATION_FAILED', MESSAGES.headerUnsafeTenant);
  if (idempotencyKey === undefined) {
    return { statusCode: 201, body: await createAndStore(store, workspaces, input), replayed: false };
  }
  const requestHash = sha256Hex(
    // The workspace only when named, so keys recorded before workspaces existed still match their retries.
    JSON.stringify([
      input.tenant_id,
      input.name,
      input.description,
      input.make_default,
      ...(input.workspace_id !== undefined ? [input.workspace_id] : []),
    ]),
  );
  const { IdempotencyRecord } = store.models;
  try {
    await IdempotencyRecord.create({
      key: idempotencyKey,
      request_hash: requestHash,
      state: 'pending',
      response_status: null,
      response_body: null,
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
    const existing = await IdempotencyRecord.findByPk(idempotencyKey);
    if (!existing) throw apiError('IDEMPOTENCY_KEY_IN_PROGRESS');
    if (existing.request_hash !== requestHash) {
      throw apiError('IDEMPOTENCY_KEY_REUSED');
    }
    if (existing.state !== 'done' || existing.response_body === null) {
      const age = (options.now ?? Date.now)() - new Date(existing.updated_at).getTime();
      const stale = age > (options.staleAfterMs ?? DEFAULT_STALE_PENDING_MS);
      // The conditional update lets exactly one of several concurrent retries take a stale record over.
      if (!stale || !(await takeOver(store, idempotencyKey, existing.updated_at))) {
        throw apiError('IDEMPOTENCY_KEY_IN_PROGRESS');
      }
      return runClaimed(store, workspaces, input, idempotencyKey);
    }
    return {
      statusCode: existing.response_status ?? 201,
      body: JSON.parse(existing.response_body) as DashboardView,
      replayed: true,
    };
  }
  return runClaimed(store, workspaces, input, idempotencyKey);
}

async function runClaimed(
  store: Store,
  workspaces: Workspaces,
  input: ProvisionInput,
  key: string,
): Promise<ProvisionResult> {
  try {
    return { statusCode: 201, body: await createAndStore(store, workspaces, input, key), replayed: false };
  } catch (error) {
    await store.models.IdempotencyRecord.destroy({ where: { key, state: 'pending' } });
    throw error;
  }
}
