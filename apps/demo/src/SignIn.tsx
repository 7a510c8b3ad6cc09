import { useState, type FormEvent } from 'react';
import { DEMO_USERS, TENANT_ID_PATTERN } from './demo-users';
import { signIn, type Session } from './session';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [tenantId, setTenantId] = useState('');

  const go = async (choice: { email: string } | { tenant_id: string }) => {
    setBusy(true);
    setProblem(undefined);
    try {
      onSignedIn(await signIn(choice));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Sign-in failed');
      setBusy(false);
    }
  };

  const submitTenant = (event: FormEvent) => {
    event.preventDefault();
    if (TENANT_ID_PATTERN.test(tenantId)) void go({ tenant_id: tenantId });
    else setProblem('Tenant ids are lowercase letters, digits and dashes.');
  };

  return (
    <section className="signin card">
      <h1>Sign in to Acme Analytics</h1>
      <p className="muted">
        Demo accounts, signed by a development-only identity endpoint. Each user sees only their own
        tenant&apos;s dashboard; the admin manages every tenant.
      </p>
      <ul className="users">
        {DEMO_USERS.map((user) => (
          <li key={user.email}>
            <button
              type="button"
              className="user"
              disabled={busy}
              onClick={() => void go({ email: user.email })}
            >
              <span className="avatar" aria-hidden="true">
                {user.name.slice(0, 1)}
              </span>
              <span>
                <strong>{user.name}</strong>
                <small>
                  {user.email} · {user.admin ? 'admin, all tenants' : `tenant ${user.tenants.join(', ')}`}
                </small>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={submitTenant}>
        <label htmlFor="tenant-user">Or sign in as a user of tenant</label>
        <input
          id="tenant-user"
          value={tenantId}
          placeholder="fabrikam"
          autoComplete="off"
          onChange={(event) => setTenantId(event.target.value.trim())}
        />
        <button type="submit" disabled={busy || tenantId === ''}>
          Sign in
        </button>
      </form>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </section>
  );
}
