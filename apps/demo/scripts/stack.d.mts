// Types for stack.mjs (plain JS so that scripts/dev.mjs runs on bare Node).
export interface StackSettings {
  host: string;
  sandboxPort: number;
  serverPort: number;
  demoPort: number;
  dataDir: string;
  workspaceId: string;
  apiKeyId: string;
  secretKey: string;
  sandboxAdminToken: string;
  adminApiKey: string;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  embedTokenTtlSeconds: number;
  /** Vite hot reload and file watching (default true). */
  hmr: boolean;
  tenants: readonly { tenantId: string; name: string }[];
}
export type OnLine = (name: string, line: string) => void;
export interface ChildProcessHandle {
  name: string;
  pid: number | undefined;
  exited: Promise<{ code: number | null; signal: string | null }>;
  readonly running: boolean;
  stop(graceMs?: number): Promise<void>;
}
export const DEMO_STACK_DEFAULTS: Readonly<StackSettings>;
export function freePort(host?: string): Promise<number>;
/** Whether `port` can be listened on at `host` right now. */
export function portFree(port: number, host?: string): Promise<boolean>;
/** The stack's ports that something else already holds, with what each is for. */
export function busyPorts(options?: Partial<StackSettings>): Promise<{ port: number; what: string }[]>;
export function startProcess(options: {
  name: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  onLine: OnLine;
}): ChildProcessHandle;
export function lineFormatter(): (line: string) => string | undefined;
export function waitForHttp(url: string, proc: ChildProcessHandle, timeoutMs?: number): Promise<void>;
/** Waits for a TCP listener without sending a request (nothing is logged for it). */
export function waitForPort(
  host: string,
  port: number,
  proc: ChildProcessHandle,
  timeoutMs?: number,
): Promise<void>;
export function sandboxUrl(o: StackSettings): string;
export function serverUrl(o: StackSettings): string;
export function demoUrl(o: StackSettings): string;
export function serverEnv(options?: Partial<StackSettings>): Record<string, string>;
export function startSandbox(
  options: Partial<StackSettings>,
  onLine: OnLine,
  /** Called right after the spawn, before readiness: lets a caller stop it if interrupted. */
  track?: (proc: ChildProcessHandle) => void,
): Promise<ChildProcessHandle>;
export function startServer(
  options: Partial<StackSettings>,
  onLine: OnLine,
  /** Called right after the spawn, before readiness: lets a caller stop it if interrupted. */
  track?: (proc: ChildProcessHandle) => void,
): Promise<ChildProcessHandle>;
export function startDemo(
  options: Partial<StackSettings>,
  onLine: OnLine,
  /** Called right after the spawn, before readiness: lets a caller stop it if interrupted. */
  track?: (proc: ChildProcessHandle) => void,
): Promise<ChildProcessHandle>;
export function seedTenants(
  options: Partial<StackSettings>,
  onLine?: OnLine,
): Promise<Record<string, string>>;
export interface StackProcs {
  sandbox?: ChildProcessHandle;
  server?: ChildProcessHandle;
  demo?: ChildProcessHandle;
}
export function stopAll(procs: StackProcs): Promise<void>;
export function startStack(
  options: Partial<StackSettings>,
  onLine: OnLine,
  procs?: StackProcs,
): Promise<{
  procs: { sandbox: ChildProcessHandle; server: ChildProcessHandle; demo: ChildProcessHandle };
  seeded: Record<string, string>;
  settings: StackSettings;
  stop(): Promise<void>;
}>;
