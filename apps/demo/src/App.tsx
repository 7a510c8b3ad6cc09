import { clearEmbedTokens, TenantDashProvider } from '@tenantdash/react';
import { useState } from 'react';
import { AdminView } from './AdminView';
import { DashboardPanel } from './DashboardPanel';
import { loadSession, saveSession, type Session } from './session';
import { SignIn } from './SignIn';

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const change = (next: Session | undefined) => {
    // Signing out (or in as someone else): nothing fetched for this user may be shown to the next one.
    if (next?.user.email !== session?.user.email) clearEmbedTokens();
    saveSession(next);
    setSession(next);
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          Acme Analytics
        </div>
        {session && (
          <div className="who">
            <span data-testid="signed-in-as">{session.user.name}</span>
            <button type="button" className="ghost" onClick={() => change(undefined)}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main className="content">
        {/* Tokens are cached per user: another user on this tab never gets this one's. */}
        <TenantDashProvider userKey={session?.user.email}>
          {!session && <SignIn onSignedIn={change} />}
          {session?.user.admin && <AdminView session={session} />}
          {session && !session.user.admin && <TenantHome session={session} />}
        </TenantDashProvider>
      </main>
      <footer className="footer">
        Demo host app for tenantdash · dashboards served by the local Papermap sandbox
      </footer>
    </div>
  );
}

function TenantHome({ session }: { session: Session }) {
  const tenantId = session.user.tenants[0];
  if (!tenantId) return <p className="notice">Your account belongs to no tenant.</p>;
  return (
    <section>
      <h1>Your analytics</h1>
      <p className="muted">
        Tenant <code data-testid="tenant-id">{tenantId}</code>. The dashboard below is embedded from Papermap
        with a short-lived token that only opens this tenant&apos;s dashboard.
      </p>
      <DashboardPanel session={session} tenantId={tenantId} />
    </section>
  );
}
