// Login and the session: the login page and useSession, which re-renders on login, logout and
// expiry (the token itself lives in lib/auth.js, which the API client reads).
export { LoginPage } from './components/LoginPage.jsx';
export { useSession } from './hooks/useSession.js';
