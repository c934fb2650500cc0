// An alert's deliveries (its `notified` list) in words, per channel: the latest attempt decides
// whether the channel shows sent, failed or retrying.
import { channelLabel } from './contactPoints.js';
import { formatWhen } from './time.js';

const STATE_WORDS = { sent: 'sent', failed: 'failed', retrying: 'retrying' };

/** "sent" | "failed" | "retrying" of one entry (older servers send only `ok`). */
export function deliveryState(entry) {
  if (entry.state && STATE_WORDS[entry.state]) return entry.state;
  return entry.ok ? 'sent' : 'failed';
}

/** Each channel's latest delivery, in channel order: [{channel, label, state, at, error, tries}]. */
export function latestDeliveries(notified = []) {
  const by = new Map();
  for (const n of notified || []) {
    const prev = by.get(n.channel);
    const tries = (prev?.tries || 0) + 1;
    if (!prev || (n.at ?? 0) >= (prev.at ?? 0)) by.set(n.channel, { ...n, tries });
    else prev.tries = tries;
  }
  const order = ['email', 'webhook', 'telegram'];
  return [...by.values()]
    .sort((a, b) => order.indexOf(a.channel) - order.indexOf(b.channel))
    .map((n) => ({
      channel: n.channel,
      label: channelLabel(n.channel),
      state: deliveryState(n),
      at: n.at,
      error: n.error || null,
      nextAt: n.next_at ?? null,
      tries: n.tries,
    }));
}

/** "Email sent 14:05 IST", "Webhook failed 14:05 IST: 404 Not Found", "Telegram retrying 14:05 IST: timed out (next try 14:06 IST)". */
export function deliveryText(d, tz, now) {
  const when = d.at ? ` ${formatWhen(d.at, tz, now)}` : '';
  const why = d.error && d.state !== 'sent' ? `: ${d.error}` : '';
  const next = d.state === 'retrying' && d.nextAt ? ` (next try ${formatWhen(d.nextAt, tz, now)})` : '';
  return `${d.label} ${STATE_WORDS[d.state]}${when}${why}${next}`;
}
