import { useFormContext } from 'react-hook-form';
import { onOff } from '../utils/relays.js';
import { FieldError, OnOffSelect, useFields } from './fields.jsx';

const number = { type: 'number', inputMode: 'decimal', step: 'any' };

/** Sensor mode: switch by one sensor channel's value, with a dead band between low and high. */
export function SensorRuleForm({ sensorChannels, channelsByCode, disabled }) {
  const { watch } = useFormContext();
  const { id, input } = useFields();
  const unit = channelsByCode.get(watch('sensor.channel'))?.unit;
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
              {c.label} ({c.code})
            </option>
          ))}
        </select>
        <FieldError name="sensor.channel" id={id('sensor.channel')} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={id('sensor.low')}>{withUnit('Low')}</label>
          <input {...number} {...input('sensor.low')} />
          <FieldError name="sensor.low" id={id('sensor.low')} />
        </div>
        <div className="field">
          <label htmlFor={id('sensor.high')}>{withUnit('High')}</label>
          <input {...number} {...input('sensor.high')} />
          <FieldError name="sensor.high" id={id('sensor.high')} />
        </div>
        <OnOffSelect name="sensor.above" label="State above high" />
      </div>
      <p className="hint">
        Above high → {onOff(above)}; below low → {onOff(1 - above)}; in between the relay keeps its state.
      </p>
      <FieldError name="sensor" />
    </fieldset>
  );
}
