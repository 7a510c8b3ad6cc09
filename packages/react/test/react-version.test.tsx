import { render, screen } from '@testing-library/react';
import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { expect, it } from 'vitest';
import { TenantDashboard } from '../src/index.js';

// Runs in both projects: proves which React the suite around it ran against.
it('runs against the expected React major', () => {
  const major = process.env.EXPECT_REACT_MAJOR ?? '19';
  expect(version.split('.')[0]).toBe(major);
  expect(domVersion.split('.')[0]).toBe(major);
  render(<TenantDashboard tenantId="acme" fetchToken={() => new Promise(() => {})} />);
  expect(screen.getByRole('status')).toBeTruthy();
});
