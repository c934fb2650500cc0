import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ThemeToggle } from './ThemeToggle.jsx';
import { STORAGE_KEY, applyTheme, currentTheme } from '../utils/theme.js';

/** A controllable prefers-color-scheme: set(true) is the system switching to dark. */
function fakeSystem(dark) {
  const listeners = new Set();
  const mq = {
    get matches() {
      return dark;
    },
    addEventListener: (_, fn) => listeners.add(fn),
    removeEventListener: (_, fn) => listeners.delete(fn),
  };
  vi.stubGlobal('matchMedia', (q) => (q === '(prefers-color-scheme: dark)' ? mq : { matches: false }));
  return {
    set(v) {
      dark = v;
      listeners.forEach((fn) => fn());
    },
    listeners,
  };
}

function toggle() {
  return screen.getByRole('button', { name: 'Dark theme' });
}

describe('theme', () => {
  beforeEach(() => {
    window.localStorage.clear();
    delete document.documentElement.dataset.theme;
  });

  it('follows the system until the admin picks, and follows it again once the pick matches it', async () => {
    const system = fakeSystem(true);
    applyTheme(currentTheme()); // what main.jsx does before the first render
    expect(document.documentElement.dataset.theme).toBe('dark');
    render(<ThemeToggle />);
    expect(toggle()).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(toggle());
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(window.localStorage.getItem(STORAGE_KEY)).toBe('light');
    expect(toggle()).toHaveAttribute('aria-pressed', 'false');
    // a remembered pick wins over the system
    act(() => system.set(false));
    act(() => system.set(true));
    expect(document.documentElement.dataset.theme).toBe('light');

    // picking what the system shows forgets the pick: the system rules again
    await userEvent.click(toggle());
    expect(window.localStorage.getItem(STORAGE_KEY)).toBeNull();
    act(() => system.set(false));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(toggle()).toHaveAttribute('aria-pressed', 'false');
  });

  it('remembers the pick across a reload', async () => {
    fakeSystem(false);
    const first = render(<ThemeToggle />);
    await userEvent.click(toggle());
    expect(window.localStorage.getItem(STORAGE_KEY)).toBe('dark');
    first.unmount();
    delete document.documentElement.dataset.theme;

    applyTheme(currentTheme());
    render(<ThemeToggle />);
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(toggle()).toHaveAttribute('aria-pressed', 'true');
  });

  it('ignores a damaged stored value and keeps working without storage', async () => {
    fakeSystem(false);
    window.localStorage.setItem(STORAGE_KEY, 'purple');
    expect(currentTheme()).toBe('light');
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    render(<ThemeToggle />);
    await userEvent.click(toggle());
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('updates the browser chrome colour', () => {
    const meta = document.createElement('meta');
    meta.name = 'theme-color';
    document.head.append(meta);
    applyTheme('dark');
    expect(meta.content).toBe('#0b2f3a');
    applyTheme('light');
    expect(meta.content).toBe('#0f5f73');
    meta.remove();
  });
});
