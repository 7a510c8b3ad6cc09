// (b) in the browser: the component fetches the token after the page's script runs.
import { QueryClient } from '@tanstack/react-query';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { ComponentApp } from './component-apps.mjs';

const settings = JSON.parse(document.getElementById('bench-settings').textContent);
createRoot(document.getElementById('root')).render(
  createElement(ComponentApp, { ...settings, client: new QueryClient() }),
);
