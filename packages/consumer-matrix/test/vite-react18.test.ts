// Vite 8 + React 18 (the other major of the peer range): same app, same checks.
import { describeViteApp } from './support/vite-case.js';

describeViteApp('vite-react18', '18.3.1');
