import { useLive, useLiveStatus } from '../../../lib/live.jsx';
import { formatAge, formatNumber, relayText } from '../../../lib/format.js';
import { STANDARD_NAMES } from '../../../lib/aqi.js';
import { CO2, GSM, HW_VERSION, PM, SW_VERSION, meanReductionPct, reductionPct, reductionText, relaysNeedingAttention } from '../utils/glance.js';
import { useDayGraph } from '../api/overview.js';
import { AqiFigure } from './AqiFigure.jsx';
import { SignalBars } from './SignalBars.jsx';
import { TableHead } from '../../../components/TableHead.jsx';

const SIZE_NAMES = { pm25: 'PM2.5', pm10: 'PM10' };

function Card({ id, title, className = '', children }) {
  return (
    <section className={`card glance-card ${className}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function AirQuality({ frame, display, status }) {
  const when = status.live ? null : status.when;
  // The display's own settings; until known (or if automation is down) its defaults: CPCB PM2.5.
  const standard = display.data?.standard || 'cpcb';
  const size = display.data?.pm_size || 'pm25';
  const shown = display.data?.last?.values?.i11;
  return (
    <Card id="glance-aqi" title="Air quality index" className="glance-aqi">
      <div className="aqi-pair">
        <AqiFigure title="Outlet" pm={frame?.[PM.outlet]} standard={standard} size={size} big when={when} />
        <AqiFigure title="Inlet" pm={frame?.[PM.inlet]} standard={standard} size={size} when={when} />
      </div>
      <p className="muted small aqi-note">
        {STANDARD_NAMES[standard] || standard}, {SIZE_NAMES[size] || size}, from the live dust reading
        {shown !== undefined && shown !== null ? `; the unit's display shows ${shown}` : ''}.
      </p>
    </Card>
  );
}

function quantityName(byCode, pair, fallback) {
  return byCode.get(pair.inlet)?.quantity || fallback;
}

function Reductions({ frame, byCode, status }) {
  const day = useDayGraph();
  const frames = day.data?.data;
  const dayText = (pair) => {
    if (day.isPending) return 'loading…';
    if (day.isError && !day.data) return 'unavailable';
    return reductionText(meanReductionPct(frames, pair));
  };
  const rows = [
    [PM, quantityName(byCode, PM, 'Dust PM')],
    [CO2, quantityName(byCode, CO2, 'CO₂')],
  ];
  return (
    <Card id="glance-reduction" title="Outlet vs inlet" className="glance-reduction">
      <table className="data-table glance-table">
        <TableHead label="Quantity" numbers={['Now', '24 h']} />
        <tbody>
          {rows.map(([pair, name]) => {
            const now = reductionPct(frame?.[pair.inlet], frame?.[pair.outlet]);
            return (
              <tr key={pair.inlet}>
                <th scope="row">{name}</th>
                <td
                  className={`num ${!status.live ? 'not-live' : now > 0 ? 'good' : now < 0 ? 'bad' : ''}`}
                  title={status.live ? undefined : `From ${status.when}, not live`}
                >
                  {reductionText(now)}
                </td>
                <td className="num">{dayText(pair)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}

function UnitHealth({ frame, byCode }) {
  const status = useLiveStatus({ tick: true }); // its data age ticks; the rest of the page does not
  const version = (code) => formatNumber(frame?.[code], byCode.get(code)?.precision ?? 0);
  return (
    <Card id="glance-health" title="Unit health" className="glance-health">
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <span className={`state-dot state-${status.state}`} aria-hidden="true" /> {status.text}
        </dd>
        <dt>Data age</dt>
        <dd>{status.ageS !== null ? formatAge(status.ageS) : 'no data'}</dd>
        <dt>{byCode.get(GSM)?.label || 'GSM signal'}</dt>
        <dd>
          <SignalBars csq={frame?.[GSM]} />
        </dd>
        <dt>Versions</dt>
        <dd>
          SW {version(SW_VERSION)} · HW {version(HW_VERSION)}
        </dd>
      </dl>
    </Card>
  );
}

function NeedsYou({ alerts, relays }) {
  const waiting = relaysNeedingAttention(relays.data?.relays);
  const n = alerts.data;
  return (
    <Card id="glance-attention" title="Needs attention" className="glance-attention">
      <p className={`attention-count${n > 0 ? ' bad' : ''}`}>
        <a href="#/alerts">
          {n === undefined ? (alerts.isError ? 'Alerts unavailable' : 'Alerts…') : `${n} ${n === 1 ? 'alert' : 'alerts'} firing`}
        </a>
      </p>
      {relays.isError && !relays.data ? (
        <p className="muted">Relay states unavailable.</p>
      ) : waiting.length === 0 ? (
        <p className="muted">{relays.data ? 'No relay command pending or failed.' : 'Relays…'}</p>
      ) : (
        <ul className="attention-list">
          {waiting.map((r) => (
            <li key={r.id} className={`cmd-${r.command.state}`}>
              <a href="#/automation">{r.name || r.id}</a>: switching {relayText(r.command.desired) ?? '?'}{' '}
              {r.command.state === 'failed' ? `failed${r.command.reason ? ` (${r.command.reason})` : ''}` : 'pending'}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/**
 * The first screen: is it working, is the air better, does anything need me. `status` is the live
 * state (lib/live.jsx useLiveStatus); `display`, `relays` and `firingAlerts` are queries of other features (the display settings, the relay list, the
 * number of firing alerts).
 */
export function Glance({ byCode, display, relays, firingAlerts, status }) {
  const { frame } = useLive();
  return (
    <div className="glance">
      <AirQuality frame={frame} display={display} status={status} />
      <Reductions frame={frame} byCode={byCode} status={status} />
      <UnitHealth frame={frame} byCode={byCode} />
      <NeedsYou alerts={firingAlerts} relays={relays} />
    </div>
  );
}
