// Rendering one alerts component with a fresh query client (the network is mockFetch's table).
import { render } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { testQueryClient } from '../../../test/utils.jsx';

export const TZ = 'Asia/Kolkata';

export function renderWithClient(ui) {
  const client = testQueryClient();
  return { ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>), client };
}

/** The calls made to one route: [{method, body}] (bodies parsed). */
export function callsTo(fetch, method, path) {
  return fetch.mock.calls
    .filter(([u, i = {}]) => String(u).split('?')[0] === path && (i.method || 'GET') === method)
    .map(([, i = {}]) => (i.body ? JSON.parse(i.body) : undefined));
}
