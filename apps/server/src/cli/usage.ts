/** What `tenantdash-server --help` and `tenantdash-server <command> --help` print. */

const PROGRAM = 'tenantdash-server';

export const COMMAND_USAGE = {
  start: `usage: ${PROGRAM} [start]
Starts the token server (HOST:PORT, http://127.0.0.1:4000 by default; OpenAPI docs at /docs). Runs pending
migrations first. SIGTERM or SIGINT stops it gracefully (requests in flight finish, audit rows are written).
Needs: the Papermap settings, an auth mode (AUTH_JWT_SECRET, AUTH_JWKS_URL or ADMIN_API_KEYS); the rest has defaults.`,
  migrate: `usage: ${PROGRAM} migrate
Applies pending database migrations and prints their names. Needs: DATABASE_URL (default sqlite:./data/tenantdash.sqlite).`,
  provision: `usage: ${PROGRAM} provision <tenant> <name> [--workspace <id>]
Creates a Papermap dashboard for the tenant and stores the mapping (the tenant's first becomes its default).
A new tenant goes to --workspace (the default workspace when absent); an existing one stays in its own.
Needs: the Papermap settings (PAPERMAP_API_KEY_ID, PAPERMAP_SECRET_KEY, PAPERMAP_WORKSPACE_ID and/or
PAPERMAP_WORKSPACES_FILE; PAPERMAP_API_URL; UPSTREAM_*), ID_PATTERN, DATABASE_URL; with REDIS_URL, every running
instance drops its cached lookups of the tenant.`,
  'mint-token': `usage: ${PROGRAM} mint-token <tenant> [dashboard]
Mints an embed token for the tenant's default (or the named) dashboard, audited with subject "cli".
Needs: the Papermap settings, EMBED_TOKEN_TTL_SECONDS, DATABASE_URL (and REDIS_URL when set).`,
  'decode-token': `usage: ${PROGRAM} decode-token <token>
Prints an embed token's claims with the signature masked. Does not verify it. Needs no settings.`,
  'list-tenants': `usage: ${PROGRAM} list-tenants
Prints every tenant with its kill-switch state and dashboard count. Needs: DATABASE_URL.`,
  audit: `usage: ${PROGRAM} audit [--tenant <id>] [--subject <subject>] [--dashboard <id>]
           [--from <time>] [--to <time>] [--limit <1-200>] [--cursor <next_cursor>]
       ${PROGRAM} audit summary [--from <time>] [--to <time>] [--top <1-100>]
       ${PROGRAM} audit prune
Issued tokens, newest first, as GET /api/v1/audit answers them (each token's SHA-256, never the token);
follow next_cursor with --cursor. summary: tokens per tenant and per subject and the subjects that reached
the most tenants (the last 24 hours unless --from/--to). prune: deletes rows older than AUDIT_RETENTION_DAYS
(default 90; 0 keeps them) now, as the server does every hour. <time>: 2026-11-29T10:00:00Z or 2026-11-29.
Needs: DATABASE_URL.`,
  'dev-jwt': `usage: ${PROGRAM} dev-jwt <subject> [--tenant <id>]... [--admin] [--ttl <seconds>]
Prints a user JWT signed with AUTH_JWT_SECRET (HS256, AUTH_ISSUER, AUTH_AUDIENCE; tenants in AUTH_TENANTS_CLAIM,
--admin sets AUTH_ADMIN_CLAIM), valid for --ttl seconds (default 3600, at most 86400), to try the API with curl.
Your identity provider issues the real ones: refused with NODE_ENV=production.`,
} as const;

export type Command = keyof typeof COMMAND_USAGE;

export const USAGE = `usage: ${PROGRAM} [command] [arguments]

The tenantdash token server. Without a command it starts the server. Settings come from the environment and
./.env (variables already set win); each command reads only the settings it uses.

commands:
  start                            start the server (the default)
  migrate                          apply pending database migrations
  provision <tenant> <name>        create a Papermap dashboard for a tenant and store the mapping
  mint-token <tenant> [dashboard]  mint an embed token (audited, subject "cli") for debugging
  decode-token <token>             print a token's claims, signature masked (does not verify it)
  list-tenants                     tenants, their kill-switch state and dashboard counts
  audit [filters]                  issued tokens, newest first; audit summary; audit prune
  dev-jwt <subject> [--tenant <id>]... [--admin]
                                   a user JWT signed with AUTH_JWT_SECRET, to try the API (not in production)
  help [command]                   this text, or a command's (also: <command> --help)

Output is JSON on stdout (dev-jwt: the JWT alone); an error is one "CODE: message" line on stderr and exit
code 1, a usage error exit code 2. Docs: https://github.com/tenantdash/tenantdash/tree/main/apps/server`;

export function isCommand(name: string | undefined): name is Command {
  return name !== undefined && Object.hasOwn(COMMAND_USAGE, name);
}

/** A command's arguments were wrong: its usage is printed, exit code 2. */
export class UsageError extends Error {
  constructor(readonly command: Command) {
    super(COMMAND_USAGE[command]);
    this.name = 'UsageError';
  }
}
