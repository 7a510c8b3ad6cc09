// (c) in the browser: hydrates the server's HTML, the token already in the page.
import { QueryClient } from '@tanstack/react-query';
import { createElement } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { PrefetchedApp } from './component-apps.mjs';

const settings = JSON.parse(document.getElementById('bench-settings').textContent);
hydrateRoot(
  document.getElementById('root'),
  createElement(PrefetchedApp, { ...settings, client: new QueryClient() }),
);
