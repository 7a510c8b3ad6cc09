/**
 * The people of the demo. Shared by the sign-in screen and the dev-only identity endpoint, which turns one
 * of them into a JWT with the claims the token server reads (`tenants`, `tenantdash_admin`).
 */
export interface DemoUser {
  email: string;
  name: string;
  /** Tenant ids this user may see. */
  tenants: string[];
  admin: boolean;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'alice@northwind.test', name: 'Alice (Northwind)', tenants: ['northwind'], admin: false },
  { email: 'bob@contoso.test', name: 'Bob (Contoso)', tenants: ['contoso'], admin: false },
  { email: 'ada@acme-analytics.test', name: 'Ada (Acme admin)', tenants: [], admin: true },
];

/** Tenant ids a visitor may type on the sign-in screen to become "a user of that tenant". */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The user the identity endpoint invents for a typed tenant id (so tenants provisioned in the UI can sign in). */
export function tenantUser(tenantId: string): DemoUser {
  return { email: `user@${tenantId}.test`, name: `User of ${tenantId}`, tenants: [tenantId], admin: false };
}
