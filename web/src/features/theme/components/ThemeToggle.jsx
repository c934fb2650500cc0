import { useEffect, useState } from 'react';
import { chooseTheme, currentTheme, followSystem } from '../utils/theme.js';

/** Header button: dark theme on/off (a toggle button, so screen readers hear its state). */
export function ThemeToggle() {
  const [theme, setTheme] = useState(currentTheme);
  useEffect(() => followSystem(setTheme), []);
  const dark = theme === 'dark';
  const toggle = () => {
    const next = dark ? 'light' : 'dark';
    chooseTheme(next);
    setTheme(next);
  };
  return (
    <button type="button" className="ghost theme-toggle" aria-pressed={dark} aria-label="Dark theme" title="Dark theme" onClick={toggle}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
        <path fill="currentColor" d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8Z" />
      </svg>
    </button>
  );
}
