// Light/dark theme: follows the system (prefers-color-scheme) until the admin picks one in the
// header; the pick is remembered in localStorage. styles.css keys its dark palette on
// <html data-theme="dark">, so one attribute switches every colour.
export const STORAGE_KEY = 'xo2.theme';
const QUERY = '(prefers-color-scheme: dark)';
const THEME_COLOR = { light: '#0f5f73', dark: '#0b2f3a' };

/** The remembered pick, or null to follow the system (storage may be off in private modes). */
export function storedTheme() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

export function systemTheme() {
  return window.matchMedia?.(QUERY).matches ? 'dark' : 'light';
}

export function currentTheme() {
  return storedTheme() ?? systemTheme();
}

/** Show `theme` now: the page's colours and the browser chrome's (meta theme-color). */
export function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', THEME_COLOR[theme]);
}

/**
 * Remember `theme` as the pick; picking what the system shows forgets the pick, so the page
 * follows the system again (one toggle, no third "auto" state to explain).
 */
export function chooseTheme(theme) {
  try {
    if (theme === systemTheme()) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    /* not remembered, still shown */
  }
  applyTheme(theme);
}

/** Re-apply when the system switches, unless the admin picked a theme. Returns the unsubscribe. */
export function followSystem(onChange) {
  const mq = window.matchMedia?.(QUERY);
  if (!mq) return () => {};
  const handler = () => {
    if (storedTheme() === null) {
      applyTheme(systemTheme());
      onChange?.(systemTheme());
    }
  };
  mq.addEventListener('change', handler);
  return () => mq.removeEventListener('change', handler);
}
