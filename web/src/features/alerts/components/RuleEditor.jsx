import { useEffect, useId, useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useSaveRule } from '../api/alerts.js';
import {
  KINDS,
  NOTIFY_CHANNELS,
  SEVERITIES,
  bodyFromForm,
  channelOptions,
  fieldMessage,
  formField,
  formFromRule,
  kindFields,
  notSetUp,
} from '../utils/rules.js';
import { FormFoot } from './FormParts.jsx';

const COMMON_FIELDS = ['name', 'kind', 'severity', 'repeat_s', 'notify', 'enabled'];
const CHANNEL_LABEL = { threshold: 'Channel', impact: 'Pair (outlet vs inlet)', relay_failed: 'Relay' };
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Create (rule = null) or edit one alert rule. Only the inputs of the chosen kind are shown and
 * sent; a 400 from the server is shown next to the field it names (and that field is focused).
 */
export function RuleEditor({ rule, channels, configured = null, onDone }) {
  const uid = useId();
  const save = useSaveRule();
  const [formError, setFormError] = useState(null);
  const {
    register,
    handleSubmit,
    watch,
    setValue,
    getValues,
    setError,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm({ defaultValues: formFromRule(rule, channels) });

  const kind = watch('kind');
  const op = watch('op');
  const shown = kindFields(kind);
  const options = useMemo(() => channelOptions(kind, channels), [kind, channels]);
  const byCode = useMemo(() => new Map(channels.map((c) => [c.code, c])), [channels]);
  const channel = byCode.get(watch('channel'));
  const unit = channel?.unit ? ` (${channel.unit})` : '';

  useEffect(() => setFocus('name'), [setFocus]); // keyboard users land in the form they opened

  // Each kind picks from its own list: keep the channel one of the shown options.
  useEffect(() => {
    if (options.length && !options.some((c) => c.code === getValues('channel'))) {
      setValue('channel', options[0].code);
    }
  }, [options, getValues, setValue]);

  const onSubmit = async (form) => {
    setFormError(null);
    try {
      await save.mutateAsync({ id: rule?.id, body: bodyFromForm(form) });
      onDone(rule ? 'Rule saved.' : 'Rule created.');
    } catch (err) {
      const field = err.status === 400 ? formField(err.field) : null;
      if (field && [...COMMON_FIELDS, ...shown].includes(field)) {
        setError(field, { type: 'server', message: fieldMessage(err.message, err.field) }, { shouldFocus: true });
      } else {
        setFormError(err.field ? `${err.field}: ${err.message}` : err.message);
      }
    }
  };

  const id = (name) => `${uid}-${name}`;
  const errId = (name) => `${uid}-${name}-error`;
  const a11y = (name) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': errId(name) } : {});
  const input = (name, rules) => ({ id: id(name), ...a11y(name), ...register(name, rules) });
  const fieldError = (name) =>
    errors[name] ? (
      <span className="field-error" role="alert" id={errId(name)}>
        {errors[name].message}
      </span>
    ) : null;
  const number = { type: 'number', inputMode: 'decimal', step: 'any' };
  const title = rule ? `Edit rule: ${rule.name}` : 'New alert rule';

  return (
    <form className="card rule-editor" aria-label={title} noValidate onSubmit={handleSubmit(onSubmit)}>
      <h3>{title}</h3>
      <div className="field-row">
        <div className="field">
          <label htmlFor={id('name')}>Name</label>
          <input {...input('name', { validate: (v) => v.trim() !== '' || 'Give the rule a name.' })} maxLength={80} />
          {fieldError('name')}
        </div>
        <div className="field">
          <label htmlFor={id('kind')}>Kind</label>
          <select {...input('kind')}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
          {fieldError('kind')}
        </div>
      </div>
      <p className="hint">{KINDS.find((k) => k.value === kind)?.hint}</p>

      {shown.includes('channel') && (
        <div className="field">
          <label htmlFor={id('channel')}>{CHANNEL_LABEL[kind]}</label>
          <select {...input('channel')}>
            {options.map((c) => (
              <option key={c.code} value={c.code}>
                {kind === 'impact'
                  ? `${c.label} vs ${byCode.get(c.pair)?.label || c.pair}`
                  : c.code
                    ? `${c.label} (${c.code})`
                    : c.label}
              </option>
            ))}
          </select>
          {fieldError('channel')}
        </div>
      )}
      {shown.includes('op') && (
        <div className="field-row">
          <div className="field">
            <label htmlFor={id('op')}>Fires when</label>
            <select {...input('op')}>
              <option value="above">Above</option>
              <option value="below">Below</option>
            </select>
            {fieldError('op')}
          </div>
          <div className="field">
            <label htmlFor={id('value')}>Value{unit}</label>
            <input
              {...number}
              {...input('value', { validate: (v) => v !== '' || 'Enter the value that fires the alert.' })}
            />
            {fieldError('value')}
          </div>
          <div className="field">
            <label htmlFor={id('clear')}>
              Clears {op === 'below' ? 'above' : 'below'}
              {unit}
            </label>
            <input {...number} {...input('clear')} placeholder="= value" />
            {fieldError('clear')}
          </div>
        </div>
      )}
      {shown.includes('for_s') && (
        <div className="field">
          <label htmlFor={id('for_s')}>{kind === 'offline' ? 'No data for (s)' : 'Only after it holds for (s)'}</label>
          <input {...number} {...input('for_s')} />
          {fieldError('for_s')}
        </div>
      )}

      <div className="field-row">
        <div className="field">
          <label htmlFor={id('severity')}>Severity</label>
          <select {...input('severity')}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {cap(s)}
              </option>
            ))}
          </select>
          {fieldError('severity')}
        </div>
        <div className="field">
          <label htmlFor={id('repeat_s')}>Repeat every (s, 0 = never)</label>
          <input {...number} {...input('repeat_s')} />
          {fieldError('repeat_s')}
        </div>
      </div>
      <fieldset className="field" {...(errors.notify ? { 'aria-describedby': errId('notify') } : {})}>
        <legend>Notify by</legend>
        <div className="checks">
          {NOTIFY_CHANNELS.map((c) => (
            <label key={c.value} className="check">
              <input type="checkbox" value={c.value} {...register('notify')} /> {c.label}
            </label>
          ))}
        </div>
        {notSetUp(watch('notify'), configured) && <p className="small warn-text">{notSetUp(watch('notify'), configured)}</p>}
        {fieldError('notify')}
      </fieldset>
      <label className="check">
        <input type="checkbox" {...register('enabled')} /> Enabled
      </label>
      {fieldError('enabled')}

      <FormFoot
        error={formError}
        busy={isSubmitting}
        label={rule ? 'Save rule' : 'Create rule'}
        onCancel={() => onDone(null)}
      />
    </form>
  );
}
