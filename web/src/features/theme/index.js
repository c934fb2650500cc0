// Light/dark theme: applyTheme/currentTheme for the app's start, the header's toggle.
export { ThemeToggle } from './components/ThemeToggle.jsx';
export { applyTheme, currentTheme, followSystem } from './utils/theme.js';
