import { useState } from 'react';
import { saveSession } from '../../../lib/auth.js';
import { useLogin } from '../api/login.js';

export function loginErrorText(err) {
  if (!err) return null;
  if (err.status === 401) return 'Wrong device ID or password.';
  if (err.status === 429) return err.message || 'Too many attempts. Please wait and try again.';
  if (err.status === 0) return err.message;
  if (err.status >= 500) return `The server had a problem (${err.status}). Please try again.`;
  return err.message || 'Login failed.';
}

export function LoginPage({ notice }) {
  const [deviceId, setDeviceId] = useState('');
  const [password, setPassword] = useState('');
  const [showPw, setShowPw] = useState(false);
  const [formError, setFormError] = useState(null);

  const login = useLogin({
    onSuccess: (res, { id }) => {
      if (!res?.access_token) {
        setFormError('The server did not return a session token.');
        return;
      }
      if (!/^#\/\w/.test(window.location.hash)) window.location.hash = '#/overview';
      saveSession(res.access_token, res.deviceId || id);
    },
  });

  const onSubmit = (e) => {
    e.preventDefault();
    setFormError(null);
    const id = deviceId.trim();
    if (!id || !password) {
      setFormError('Enter the device ID and the password.');
      return;
    }
    login.mutate({ id, pw: password });
  };

  const error = formError || (login.isError ? loginErrorText(login.error) : null);

  return (
    <main className="login-page">
      <form className="card login-card" onSubmit={onSubmit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">XtraO2 Console</h1>
        <p className="muted">Sign in to monitor and control the unit.</p>
        {notice && !error && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="login-device">Device ID</label>
        <input
          id="login-device"
          name="deviceId"
          value={deviceId}
          onChange={(e) => setDeviceId(e.target.value)}
          placeholder="e.g. IOCL_XTRA_O2_ADMIN"
          autoComplete="username"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          required
        />
        <label htmlFor="login-password">Password</label>
        <div className="password-row">
          <input
            id="login-password"
            name="password"
            type={showPw ? 'text' : 'password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
          <button
            type="button"
            className="ghost"
            aria-pressed={showPw}
            aria-label="Show password"
            onClick={() => setShowPw((v) => !v)}
          >
            {showPw ? 'Hide' : 'Show'}
          </button>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
