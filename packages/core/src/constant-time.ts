/**
 * Compares two strings in time that depends only on the expected string's length, never on where they
 * differ, and never throws (unlike node:crypto's timingSafeEqual when lengths differ).
 */
export function constantTimeEqual(expected: string, received: string): boolean {
  let difference = expected.length ^ received.length;
  for (let i = 0; i < expected.length; i++) {
    difference |= expected.charCodeAt(i) ^ (received.charCodeAt(i) | 0);
  }
  return difference === 0;
}
