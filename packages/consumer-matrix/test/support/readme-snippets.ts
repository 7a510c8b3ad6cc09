// The READMEs' Next.js snippets, verbatim, as files of the Next.js consumer app: a snippet that does not work
// where the README shows it (a callback passed from a Server Component, say) fails that app's `next build`.
// Only the names a reader supplies themselves (their session, their error reporting) are imported from the
// fixture's lib/readme-*.ts, each import put right below the snippet's directive, if it has one.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@tenantdash/test-utils';

/** Every ```tsx block of a Markdown file, without its fences. */
function tsxBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```tsx\n([\s\S]*?)^```$/gm)].map(([, body]) => body ?? '');
}

/** The one tsx block of `markdown` that `matches`; throws if there is none or more than one. */
function snippet(markdown: string, where: string, matches: (block: string) => boolean): string {
  const found = tsxBlocks(markdown).filter(matches);
  if (found.length !== 1) throw new Error(`${where}: expected one such tsx block, found ${found.length}`);
  return found[0] ?? '';
}

/** The snippet with `line` added below its directive ('use client') or, without one, at the top. */
function withImport(code: string, line: string): string {
  const directive = /^(?:\/\/[^\n]*\n)*'use [a-z]+';[^\n]*\n/.exec(code);
  if (!directive) return `${line}\n${code}`;
  return `${directive[0]}${line}\n${code.slice(directive[0].length)}`;
}

export interface ReadmePages {
  /** React README, "Server Components": its page.tsx and its 'use client' dashboard.tsx. */
  serverComponent: string;
  /** React README, "prefetch on the server": its page.tsx, with the same dashboard.tsx beside it. */
  prefetched: string;
  /** Root README, "Product teams": its client component, rendered by a Server Component page. */
  rootSnippet: string;
}

/**
 * Writes the snippets into the installed app at `appDir`. The React README is read from the installed package
 * (what npm users read), the root README from the repository. Returns the pages' paths.
 */
export function addReadmePages(appDir: string): ReadmePages {
  const write = (path: string, code: string) => {
    mkdirSync(dirname(join(appDir, path)), { recursive: true });
    writeFileSync(join(appDir, path), code);
  };
  const reactReadme = readFileSync(join(appDir, 'node_modules/@tenantdash/react/README.md'), 'utf8');
  const rootReadme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const session = "import { currentSession } from '@/lib/readme-session';";

  const dashboard = snippet(reactReadme, 'react README', (block) =>
    block.startsWith('// app/analytics/dashboard.tsx\n'),
  );
  const page = snippet(reactReadme, 'react README', (block) =>
    block.startsWith('// app/analytics/page.tsx (a Server Component)\n'),
  );
  const prefetched = snippet(
    reactReadme,
    'react README',
    (block) => block.startsWith('// app/analytics/page.tsx') && block.includes('embedTokenQueryOptions'),
  );
  write('app/analytics/dashboard.tsx', dashboard);
  write('app/analytics/page.tsx', withImport(page, session));
  write('app/analytics-prefetched/dashboard.tsx', dashboard);
  write('app/analytics-prefetched/page.tsx', withImport(prefetched, session));

  const product = snippet(rootReadme, 'root README', (block) => block.includes('export function Analytics('));
  write(
    'app/readme-root/analytics.tsx',
    withImport(product, "import { report } from '@/lib/readme-report';"),
  );
  // The Server Component that renders it: the snippet is the component, the page is the reader's.
  write(
    'app/readme-root/page.tsx',
    [
      "import { currentSession } from '@/lib/readme-session';",
      "import { Analytics } from './analytics';",
      '',
      'export default async function Page() {',
      '  const { user, org } = await currentSession();',
      '  return <Analytics user={user} org={org} />;',
      '}',
      '',
    ].join('\n'),
  );
  return { serverComponent: '/analytics', prefetched: '/analytics-prefetched', rootSnippet: '/readme-root' };
}
