// Login and the session: the login page and useSession, which re-renders on login, logout and
// expiry (the token itself lives in lib/auth.js, which the API client reads).
import { lazyPage } from '../../components/LazyPage.jsx';

// A chunk of its own (with react-hook-form): a logged-in start, the phone's usual one, loads neither.
export const LoginPage = lazyPage(() => import('./components/LoginPage.jsx'), 'LoginPage', 'the sign-in page');
export { useSession } from './hooks/useSession.js';
