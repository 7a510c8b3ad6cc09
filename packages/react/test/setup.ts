import { cleanup } from '@testing-library/react';
import { notifyManager } from '@tanstack/react-query';
import { afterEach, vi } from 'vitest';

// React Query batches its notifications on a 0 ms timer, which fake timers only run once time moves by 1 ms.
// A microtask keeps the batching and lets exact-millisecond tests observe results without moving the clock.
notifyManager.setScheduler(queueMicrotask);

// Testing Library cleans up by itself only with global test hooks; this project keeps globals off.
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});
