// (a) in the browser: only React and the example's own code.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { NaiveApp } from './naive-app.mjs';

const settings = JSON.parse(document.getElementById('bench-settings').textContent);
createRoot(document.getElementById('root')).render(createElement(NaiveApp, settings));
