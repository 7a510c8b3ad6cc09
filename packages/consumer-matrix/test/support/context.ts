// What global-setup.ts hands every case (through Vitest's provide/inject): where the tarballs and the
// consumer apps live, the running sandbox and token server, and the tenant provisioned on them.
import { inject } from 'vitest';

export interface MatrixContext {
  /** Temp directory outside the repository: tarballs/, one directory per consumer app, pids/. */
  root: string;
  /** Absolute paths of the packed tarballs, by package name. */
  tarballs: Record<'@tenantdash/core' | '@tenantdash/react', string>;
  /** The local Papermap (sandbox), e.g. http://127.0.0.1:41234. */
  sandboxUrl: string;
  /** The token server. */
  serverUrl: string;
  /** The port each browser-tested app must listen on: the sandbox lets only these origins frame it. */
  appPorts: Record<'vite-react19' | 'vite-react18' | 'next16', number>;
  workspaceId: string;
  apiKeyId: string;
  secretKey: string;
  jwt: { secret: string; issuer: string; audience: string };
  tenant: { tenantId: string; name: string; dashboardId: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    matrix: MatrixContext;
  }
}

export const matrix = (): MatrixContext => inject('matrix');
