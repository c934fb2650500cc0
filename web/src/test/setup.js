import { afterEach } from 'vitest';

// Component tests run in jsdom; pure-logic tests opt into the node environment.
if (typeof window !== 'undefined') {
  await import('@testing-library/jest-dom/vitest');
  const { cleanup } = await import('@testing-library/react');

  afterEach(() => {
    cleanup();
    window.sessionStorage.clear();
    window.location.hash = '';
  });

  // jsdom lacks matchMedia (uPlot reads it at import time).
  if (!window.matchMedia) {
    window.matchMedia = (query) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener() {},
      removeListener() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => false,
    });
  }
}
