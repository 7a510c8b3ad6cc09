import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { embedTokenQueryKey } from '@tenantdash/react';
import { useEffect, useState, type FormEvent } from 'react';
import { DashboardPanel } from './DashboardPanel';
import { TENANT_ID_PATTERN } from './demo-users';
import { api, type Session } from './session';
import { UsageChart, type UsageRow } from './UsageChart';

interface Tenant {
  tenant_id: string;
  disabled: boolean;
  dashboards: number;
  created_at: string;
}

const problemText = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong');
const codeOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'ERROR';

export function AdminView({ session }: { session: Session }) {
  const client = useQueryClient();
  const tenants = useQuery({
    queryKey: ['admin', 'tenants'],
    queryFn: () => api<{ tenants: Tenant[] }>(session, '/tenants'),
  });
  const usage = useQuery({
    queryKey: ['admin', 'usage'],
    queryFn: () => api<{ usage: UsageRow[] }>(session, '/usage?per_page=100'),
    refetchInterval: 15_000,
  });
  const [selected, setSelected] = useState<string>();
  const list = tenants.data?.tenants ?? [];
  const current = selected ?? list.find((t) => !t.disabled && t.dashboards > 0)?.tenant_id;
  // The first pick stays put: disabling the tenant on screen shows its disabled state, not another tenant.
  useEffect(() => {
    if (selected === undefined && current !== undefined) setSelected(current);
  }, [selected, current]);
  const currentTenant = list.find((t) => t.tenant_id === current);

  const toggle = useMutation({
    mutationFn: (tenant: Tenant) =>
      api<Tenant>(
        session,
        `/tenants/${encodeURIComponent(tenant.tenant_id)}/${tenant.disabled ? 'enable' : 'disable'}`,
        {
          method: 'POST',
        },
      ),
    onSettled: (_data, _error, tenant) => {
      void client.invalidateQueries({ queryKey: ['admin'] });
      // Open dashboards of this tenant ask again now, so the switch shows at once instead of at the next refresh.
      void client.invalidateQueries({
        queryKey: embedTokenQueryKey(tenant.tenant_id, undefined, undefined, session.user.email).slice(0, 4),
      });
    },
  });

  return (
    <section className="admin">
      <h1>Tenants</h1>
      <div className="admin-grid">
        <div className="card">
          <h2>All tenants</h2>
          {tenants.isError && (
            <p role="alert" className="error">
              {problemText(tenants.error)}
            </p>
          )}
          <table className="tenants" data-testid="tenant-table">
            <thead>
              <tr>
                <th>Tenant</th>
                <th>Dashboards</th>
                <th>Status</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((tenant) => (
                <tr
                  key={tenant.tenant_id}
                  data-tenant={tenant.tenant_id}
                  className={[
                    tenant.tenant_id === current ? 'current' : '',
                    tenant.disabled ? 'disabled' : '',
                  ]
                    .join(' ')
                    .trim()}
                >
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(tenant.tenant_id)}>
                      {tenant.tenant_id}
                    </button>
                  </td>
                  <td>{tenant.dashboards}</td>
                  <td>
                    <span className={tenant.disabled ? 'pill off' : 'pill on'} data-testid="tenant-status">
                      {tenant.disabled ? 'disabled' : 'active'}
                    </span>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="ghost small"
                      disabled={toggle.isPending}
                      onClick={() => toggle.mutate(tenant)}
                    >
                      {tenant.disabled ? 'Enable' : 'Disable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {toggle.isError && (
            <p role="alert" className="error">
              {problemText(toggle.error)}
            </p>
          )}
        </div>
        <ProvisionForm session={session} onDone={(tenantId) => setSelected(tenantId)} />
        <div className="card usage-card">
          <h2>Credits used per tenant and month</h2>
          {usage.isError ? (
            <p role="alert" className="error">
              Usage unavailable ({codeOf(usage.error)})
            </p>
          ) : (
            <UsageChart rows={usage.data?.usage ?? []} />
          )}
        </div>
      </div>
      {current && (
        <>
          <h2 className="section-title">
            Dashboard of <code data-testid="admin-current-tenant">{current}</code>
          </h2>
          {currentTenant?.disabled && (
            <p className="notice disabled-notice" data-testid="tenant-disabled-notice">
              <strong>{current} is disabled.</strong> Its users get no new embed tokens; dashboards already
              open go down at their next refresh. Enable it in the table to restore access.
            </p>
          )}
          <DashboardPanel session={session} tenantId={current} />
          <RecentIssuance session={session} tenantId={current} />
        </>
      )}
    </section>
  );
}

interface AuditRow {
  id: number;
  dashboard_id: string;
  subject: string;
  issued_at: string;
  expires_at: string;
  token_sha256: string;
}

interface AuditSummary {
  by_tenant: { tenant_id: string; tokens: number; subjects: number }[];
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB');

/** The tenant's latest embed tokens, from the token server's audit API (admins only): who, when, until when. */
function RecentIssuance({ session, tenantId }: { session: Session; tenantId: string }) {
  const recent = useQuery({
    queryKey: ['admin', 'audit', tenantId],
    queryFn: () =>
      api<{ items: AuditRow[] }>(session, `/audit?tenant_id=${encodeURIComponent(tenantId)}&limit=8`),
    refetchInterval: 10_000,
  });
  const day = useQuery({
    queryKey: ['admin', 'audit-summary'],
    queryFn: () => api<AuditSummary>(session, '/audit/summary?top=100'),
    refetchInterval: 10_000,
  });
  const counts = day.data?.by_tenant.find((row) => row.tenant_id === tenantId);
  const items = recent.data?.items ?? [];
  return (
    <div className="card issuance-card" data-testid="recent-issuance">
      <h2>Embed tokens issued for {tenantId}</h2>
      <p className="muted small" data-testid="issuance-day">
        {counts
          ? `${counts.tokens} in the last 24 hours, to ${counts.subjects} ${counts.subjects === 1 ? 'user' : 'users'}`
          : 'None in the last 24 hours'}{' '}
        · newest first, from the audit (each token's SHA-256, never the token)
      </p>
      {recent.isError ? (
        <p role="alert" className="error">
          Audit unavailable ({codeOf(recent.error)})
        </p>
      ) : (
        <ol aria-label={`Recent embed tokens of ${tenantId}`}>
          {items.map((row) => (
            <li key={row.id} data-testid="issuance" style={{ overflowWrap: 'anywhere' }}>
              <time dateTime={row.issued_at}>{clock(row.issued_at)}</time> <strong>{row.subject}</strong>{' '}
              <span className="muted small">
                valid until {clock(row.expires_at)} · sha256 {row.token_sha256.slice(0, 12)}…
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ProvisionForm({ session, onDone }: { session: Session; onDone: (tenantId: string) => void }) {
  const client = useQueryClient();
  const [tenantId, setTenantId] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const provision = useMutation({
    mutationFn: (body: { tenant_id: string; name: string }) =>
      api<{ tenant_id: string; dashboard_id: string }>(session, '/dashboards', {
        method: 'POST',
        // One key per submitted form: a retried request cannot create a second dashboard.
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ ...body, make_default: true }),
      }),
    onSuccess: (created) => {
      setTenantId('');
      setName('');
      onDone(created.tenant_id);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['admin'] }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    if (!TENANT_ID_PATTERN.test(tenantId))
      return setProblem('Tenant ids are lowercase letters, digits and dashes.');
    if (name.trim() === '') return setProblem('Give the dashboard a name.');
    provision.mutate({ tenant_id: tenantId, name: name.trim() });
  };

  return (
    <form className="card provision" onSubmit={submit} aria-label="Provision a dashboard">
      <h2>Provision a dashboard</h2>
      <label htmlFor="provision-tenant">Tenant id</label>
      <input
        id="provision-tenant"
        value={tenantId}
        placeholder="fabrikam"
        onChange={(e) => setTenantId(e.target.value.trim())}
      />
      <label htmlFor="provision-name">Dashboard name</label>
      <input
        id="provision-name"
        value={name}
        placeholder="Fabrikam overview"
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" disabled={provision.isPending}>
        {provision.isPending ? 'Provisioning…' : 'Provision'}
      </button>
      {(problem ?? provision.error) && (
        <p role="alert" className="error">
          {problem ?? problemText(provision.error)}
        </p>
      )}
      {provision.data && (
        <p className="ok" data-testid="provisioned">
          Provisioned <code>{provision.data.dashboard_id}</code> for {provision.data.tenant_id}
        </p>
      )}
    </form>
  );
}
