import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { FieldError, FormError, invalidProps } from '../../../components/FormFields.jsx';
import { requiredText } from '../../../lib/validation.js';
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
  const [showPw, setShowPw] = useState(false);
  const [formError, setFormError] = useState(null);
  const form = useForm({ defaultValues: { deviceId: '', password: '' } });
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = form;

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

  const onSubmit = ({ deviceId, password }) => {
    setFormError(null);
    login.mutate({ id: deviceId.trim(), pw: password });
  };

  const error = formError || (login.isError ? loginErrorText(login.error) : null);
  const field = (name, what) =>
    register(name, { validate: (v) => (name === 'deviceId' ? v.trim() : v) !== '' || requiredText(what) });

  return (
    <main className="login-page">
      <FormProvider {...form}>
        <form className="card login-card" onSubmit={handleSubmit(onSubmit)} noValidate aria-labelledby="login-title">
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
            placeholder="e.g. IOCL_XTRA_O2_ADMIN"
            autoComplete="username"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            {...invalidProps(errors, 'deviceId', 'login-device')}
            {...field('deviceId', 'the device ID')}
          />
          <FieldError name="deviceId" id="login-device" />
          <label htmlFor="login-password">Password</label>
          <div className="password-row">
            <input
              id="login-password"
              type={showPw ? 'text' : 'password'}
              autoComplete="current-password"
              {...invalidProps(errors, 'password', 'login-password')}
              {...field('password', 'the password')}
            />
            {/* the name holds the visible word (WCAG 2.5.3); pressed = shown */}
            <button
              type="button"
              className="ghost"
              aria-pressed={showPw}
              aria-label="Show password"
              onClick={() => setShowPw((v) => !v)}
            >
              Show
            </button>
          </div>
          <FieldError name="password" id="login-password" />
          <FormError>{error}</FormError>
          <button type="submit" className="primary" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </FormProvider>
    </main>
  );
}
