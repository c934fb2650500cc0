import { useFormContext } from 'react-hook-form';
import { channelValueProblem } from '../../../lib/validation.js';
import { onOff } from '../utils/relays.js';
import { FieldError, OnOffSelect, useFields } from '../../../components/FormFields.jsx';

const number = { type: 'number', inputMode: 'decimal', step: 'any' };

/** Sensor mode: switch by one sensor channel's value, with a dead band between low and high. */
export function SensorRuleForm({ sensorChannels, channelsByCode, disabled }) {
  const { watch, trigger, getFieldState } = useFormContext();
  const { id, input } = useFields();
  const channel = channelsByCode.get(watch('sensor.channel'));
  const unit = channel?.unit;
  // the channel map's range, in the services' words ("Low must be between 0 and 100 % for Inlet Humidity")
  const valueRules = (what) => ({
    validate: (v, all) => {
      const ch = channelsByCode.get(all.sensor.channel);
      const problem = channelValueProblem(v, ch, what);
      if (problem) return problem;
      if (what === 'High' && Number(v) <= Number(all.sensor.low) && channelValueProblem(all.sensor.low, ch, 'Low') === null) {
        return `High must be greater than Low (${all.sensor.low}${ch?.unit ? ` ${ch.unit}` : ''}).`;
      }
      return true;
    },
    // a new Low re-checks High only once High has been left: `deps` would check an untouched,
    // empty High at once, and its "Enter high" would then vanish when High is left, moving Save
    // from under the pointer (a click on Save with High focused was lost)
    onChange: what === 'Low' ? () => getFieldState('sensor.high').isTouched && trigger('sensor.high') : undefined,
  });
  const above = Number(watch('sensor.above'));
  const withUnit = (label) => (unit ? `${label} (${unit})` : label);

  return (
    <fieldset className="mode-panel" disabled={disabled}>
      <legend>Sensor rule</legend>
      <div className="field">
        <label htmlFor={id('sensor.channel')}>Sensor channel</label>
        <select {...input('sensor.channel')}>
          {sensorChannels.map((c) => (
            <option key={c.code} value={c.code}>
              {c.label}
            </option>
          ))}
        </select>
        <FieldError name="sensor.channel" id={id('sensor.channel')} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={id('sensor.low')}>{withUnit('Low')}</label>
          <input {...number} {...input('sensor.low', valueRules('Low'))} />
          <FieldError name="sensor.low" id={id('sensor.low')} />
        </div>
        <div className="field">
          <label htmlFor={id('sensor.high')}>{withUnit('High')}</label>
          <input {...number} {...input('sensor.high', valueRules('High'))} />
          <FieldError name="sensor.high" id={id('sensor.high')} />
        </div>
        <OnOffSelect name="sensor.above" label="State above high" />
      </div>
      <p className="hint">
        Above high → {onOff(above)}; below low → {onOff(1 - above)}; in between the relay keeps its state.
        {channel && (channel.min !== null && channel.min !== undefined) && (channel.max !== null && channel.max !== undefined)
          ? ` ${channel.label} reads from ${channel.min} to ${channel.max}${unit ? ` ${unit}` : ''}.`
          : ''}
      </p>
      <FieldError name="sensor" />
    </fieldset>
  );
}
