// GET /api/automation/notify as SPEC 13 shapes it, one builder per channel state.
export const AT = 1796617920; // 07 Dec 2026, 10:02 IST

export const email = (over = {}) => ({
  configured: true,
  source: 'console',
  settings: {
    host: 'mail.example.org',
    port: 587,
    security: 'starttls',
    user: 'alerts',
    from: 'alerts@example.org',
    to: ['ops@example.org', 'shift@example.org'],
    password_set: true,
  },
  last_ok_at: AT - 3600,
  last_error: null,
  failing_since: null,
  ...over,
});

export const webhookFromEnv = (over = {}) => ({
  configured: true,
  source: 'env',
  settings: { url: 'https://hooks.example.org/…', secret_set: true },
  last_ok_at: null,
  last_error: null,
  failing_since: null,
  ...over,
});

export const off = (channel) => ({
  configured: false,
  source: null,
  settings:
    channel === 'email'
      ? { host: null, port: 587, security: 'starttls', user: null, from: null, to: [], password_set: false }
      : channel === 'webhook'
        ? { url: null, secret_set: false }
        : { chat_id: null, api_url: 'https://api.telegram.org', token_set: false },
  last_ok_at: null,
  last_error: null,
  failing_since: null,
});

export const allOff = () => ({ email: off('email'), webhook: off('webhook'), telegram: off('telegram') });
