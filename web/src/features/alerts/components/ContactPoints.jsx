import { QueryState } from '../../../components/QueryState.jsx';
import { useNow } from '../../../hooks/useNow.js';
import { useNotifyStatus } from '../api/notify.js';
import { CONTACT_CHANNELS } from '../utils/contactPoints.js';
import { ContactPointCard } from './ContactPointCard.jsx';
import { DeadLetters } from './DeadLetters.jsx';

/** Where alerts go: a card per channel (state, settings, test), then what could not be delivered. */
export function ContactPoints({ tz }) {
  const notify = useNotifyStatus();
  const now = useNow(30_000);
  return (
    <>
      <h2 id="contact-points-title" tabIndex={-1}>Contact points</h2>
      <p className="muted small">Where alerts go. Changes apply at once; send a test to check a channel.</p>
      <QueryState query={notify} what="contact points">
        {(data) => (
          <>
            <ul className="plain-list contact-grid">
              {CONTACT_CHANNELS.map((c) => (
                <ContactPointCard key={c.id} channel={c} status={data?.[c.id]} tz={tz} now={now} />
              ))}
            </ul>
            <DeadLetters tz={tz} now={now} />
          </>
        )}
      </QueryState>
    </>
  );
}
