// Vite 8 + React 19: the packed packages in a production build, in Chromium, against the real stack.
import { describeViteApp } from './support/vite-case.js';

describeViteApp('vite-react19', '19.3.1');
