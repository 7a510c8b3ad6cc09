// Starts the standalone server (`node dist/server.js`); `tenantdash-server` (bin.ts) does the same.
import { runServer } from './start.js';

runServer();
