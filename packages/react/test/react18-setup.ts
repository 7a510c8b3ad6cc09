// The React 18 run: CommonJS packages (react-dom 18, Testing Library) resolve `react` and `react-dom` to the
// 18.x copies installed as `react-18` / `react-dom-18` (pnpm links react-dom 18 to the workspace's react 19).
import Module from 'node:module';
import { resolve as resolvePath } from 'node:path';

const target: Record<string, string> = {
  react: resolvePath('node_modules/react-18'),
  'react-dom': resolvePath('node_modules/react-dom-18'),
};
const patched = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = patched._resolveFilename;
patched._resolveFilename = function (request: string, ...rest: unknown[]) {
  const match = /^(react|react-dom)(\/.*)?$/.exec(request);
  const mapped = match ? `${target[match[1]!]}${match[2] ?? ''}` : request;
  return original.call(this, mapped, ...rest);
};
