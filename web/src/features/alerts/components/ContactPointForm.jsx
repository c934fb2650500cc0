import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useSaveContactPoint } from '../api/notify.js';
import { serverError, useFieldA11y } from '../hooks/useFieldA11y.jsx';
import {
  DEFAULT_TELEGRAM_API,
  SECURITY,
  bodyFromForm,
  channelById,
  checks,
  formFieldOf,
  formFromSettings,
} from '../utils/contactPoints.js';
import { RecipientList } from './RecipientList.jsx';
import { SecretField } from './SecretField.jsx';

function EmailFields({ register, control, f }) {
  return (
    <>
      <div className="field-row">
        <div className="field grow">
          <label htmlFor={f.id('host')}>Mail server</label>
          <input
            id={f.id('host')}
            autoComplete="off"
            placeholder="smtp.example.com"
            {...f.a11y('host')}
            {...register('host', { validate: { given: checks.host, shape: checks.hostShape } })}
          />
          {f.error('host')}
        </div>
        <div className="field narrow">
          <label htmlFor={f.id('port')}>Port</label>
          <input id={f.id('port')} inputMode="numeric" {...f.a11y('port')} {...register('port', { validate: checks.port })} />
          {f.error('port')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={f.id('security')}>Security</label>
        <select id={f.id('security')} {...f.a11y('security')} {...register('security')}>
          {SECURITY.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        {f.error('security')}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={f.id('user')}>User name (if the server asks for one)</label>
          <input id={f.id('user')} autoComplete="off" {...f.a11y('user')} {...register('user')} />
          {f.error('user')}
        </div>
        <div className="field">
          <label htmlFor={f.id('from')}>Sender address</label>
          <input
            id={f.id('from')}
            type="email"
            placeholder="alerts@example.com"
            {...f.a11y('from')}
            {...register('from', { validate: checks.from })}
          />
          {f.error('from')}
        </div>
      </div>
      <RecipientList
        legend="Send alerts to"
        control={control}
        register={register}
        fields={f}
        check={checks.address}
        validateList={checks.someone}
      />
    </>
  );
}

function WebhookFields({ register, f, urlMode, setUrlMode, current }) {
  if (urlMode === 'keep') {
    return (
      <div className="field" role="group" aria-label="Address">
        <span className="label-text">Address</span>
        <p className="small">
          {current} <span className="muted">(the rest of the address is not shown: it may hold a key)</span>
        </p>
        <button type="button" onClick={() => setUrlMode('replace')}>
          Change address
        </button>
        {f.error('url')}
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={f.id('url')}>{urlMode === 'replace' ? 'New address' : 'Address'}</label>
      <input
        id={f.id('url')}
        type="url"
        autoComplete="off"
        placeholder="https://example.com/hooks/xtrao2"
        {...f.a11y('url')}
        {...register('url', { validate: checks.url })}
      />
      <p className="hint">Each alert is POSTed there as JSON.</p>
      {f.error('url')}
      {urlMode === 'replace' && (
        <button type="button" className="ghost" onClick={() => setUrlMode('keep')}>
          Keep the current address
        </button>
      )}
    </div>
  );
}

function TelegramFields({ register, f }) {
  return (
    <>
      <div className="field">
        <label htmlFor={f.id('chat_id')}>Chat id</label>
        <input
          id={f.id('chat_id')}
          autoComplete="off"
          placeholder="-1001234567890 or @plant_alerts"
          {...f.a11y('chat_id')}
          {...register('chat_id', { validate: checks.chat })}
        />
        {f.error('chat_id')}
      </div>
      <div className="field">
        <label htmlFor={f.id('api_url')}>Bot API address</label>
        <input
          id={f.id('api_url')}
          type="url"
          placeholder={DEFAULT_TELEGRAM_API}
          {...f.a11y('api_url')}
          {...register('api_url', { validate: checks.apiUrl })}
        />
        <p className="hint">Leave it as {DEFAULT_TELEGRAM_API} unless the plant uses its own relay.</p>
        {f.error('api_url')}
      </div>
    </>
  );
}

const SECRET_HINT = {
  password: 'Leave it blank if the server needs no login.',
  secret: 'Optional: with one, each message is signed (X-XO2-Signature) so the receiver can check it.',
  token: 'The token BotFather gave the bot, like 123456:ABC-…',
};

/** Set up or change one channel; Save applies at once (PUT), a 400 lands beside its field. */
export function ContactPointForm({ channel, status, onDone }) {
  const def = channelById(channel);
  const save = useSaveContactPoint(channel);
  const [formError, setFormError] = useState(null);
  const {
    register,
    control,
    handleSubmit,
    watch,
    setValue,
    setError,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm({ defaultValues: formFromSettings(channel, status?.settings, status?.source) });
  const f = useFieldA11y(errors);
  const secretMode = watch('secret_mode');
  const urlMode = watch('url_mode');
  const first = { email: 'host', webhook: urlMode === 'keep' ? null : 'url', telegram: 'chat_id' }[channel];

  useEffect(() => {
    if (first) setFocus(first);
  }, [first, setFocus]);

  const onSubmit = async (form) => {
    setFormError(null);
    try {
      await save.mutateAsync(bodyFromForm(channel, form));
      onDone(`${def.label} saved: it is used from now on. Send a test to check it.`);
    } catch (err) {
      setFormError(serverError(err, (field) => formFieldOf(channel, field), setError));
    }
  };
  const secretRequired = channel === 'telegram' && secretMode !== 'keep';
  const title = `${status?.source === 'console' ? 'Change' : 'Set up'} ${def.label.toLowerCase()}`;

  return (
    <form className="contact-form" aria-label={title} noValidate onSubmit={handleSubmit(onSubmit)}>
      {channel === 'email' && <EmailFields register={register} control={control} f={f} />}
      {channel === 'webhook' && (
        <WebhookFields
          register={register}
          f={f}
          urlMode={urlMode}
          setUrlMode={(m) => setValue('url_mode', m)}
          current={status?.settings?.url}
        />
      )}
      {channel === 'telegram' && <TelegramFields register={register} f={f} />}
      <SecretField
        label={def.secretLabel}
        mode={secretMode}
        setMode={(m) => setValue('secret_mode', m)}
        register={register}
        fields={f}
        required={secretRequired}
        canClear={def.canClear}
        hint={SECRET_HINT[def.secret]}
      />
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : `Save ${def.label.toLowerCase()}`}
        </button>
        <button type="button" className="ghost" onClick={() => onDone(null)} disabled={isSubmitting}>
          Cancel
        </button>
      </div>
    </form>
  );
}
