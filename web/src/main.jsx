import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import App from './app/App.jsx';
import { makeQueryClient } from './app/queryClient.js';
import { prefetchFirstScreen } from './app/prefetch.js';
import { routeFromLocation } from './app/router.js';
import { applyTheme, currentTheme } from './features/theme/index.js';
import './styles.css';

const queryClient = makeQueryClient();
prefetchFirstScreen(queryClient, routeFromLocation());
// Before the first render, so the page never flashes the other theme.
applyTheme(currentTheme());

// A transition: React renders the first screen in slices, yielding to the browser between them,
// instead of one long task (a phone's total blocking time; bench/bench_lighthouse.py).
const root = createRoot(document.getElementById('root'));
startTransition(() =>
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  ),
);
