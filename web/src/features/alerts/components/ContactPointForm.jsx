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
import { FormFoot, SelectField, TextField } from './FormParts.jsx';
import { RecipientList } from './RecipientList.jsx';
import { SecretField } from './SecretField.jsx';

function EmailFields({ register, control, f }) {
  return (
    <>
      <div className="field-row">
        <TextField
          f={f}
          field={register('host', { validate: { given: checks.host, shape: checks.hostShape } })}
          label="Mail server"
          className="grow"
          autoComplete="off"
          placeholder="smtp.example.com"
        />
        <TextField f={f} field={register('port', { validate: checks.port })} label="Port" className="narrow" inputMode="numeric" />
      </div>
      <SelectField f={f} field={register('security')} label="Security" options={SECURITY} />
      <div className="field-row">
        <TextField f={f} field={register('user')} label="User name (if the server asks for one)" autoComplete="off" />
        <TextField
          f={f}
          field={register('from', { validate: checks.from })}
          label="Sender address"
          type="email"
          placeholder="alerts@example.com"
        />
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
    <TextField
      f={f}
      field={register('url', { validate: checks.url })}
      label={urlMode === 'replace' ? 'New address' : 'Address'}
      hint="Each alert is POSTed there as JSON."
      type="url"
      autoComplete="off"
      placeholder="https://example.com/hooks/xtrao2"
    >
      {urlMode === 'replace' && (
        <button type="button" className="ghost" onClick={() => setUrlMode('keep')}>
          Keep the current address
        </button>
      )}
    </TextField>
  );
}

function TelegramFields({ register, f }) {
  return (
    <>
      <TextField
        f={f}
        field={register('chat_id', { validate: checks.chat })}
        label="Chat id"
        autoComplete="off"
        placeholder="-1001234567890 or @plant_alerts"
      />
      <TextField
        f={f}
        field={register('api_url', { validate: checks.apiUrl })}
        label="Bot API address"
        hint={`Leave it as ${DEFAULT_TELEGRAM_API} unless the plant uses its own relay.`}
        type="url"
        placeholder={DEFAULT_TELEGRAM_API}
      />
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
      <FormFoot
        error={formError}
        busy={isSubmitting}
        label={`Save ${def.label.toLowerCase()}`}
        onCancel={() => onDone(null)}
      />
    </form>
  );
}
