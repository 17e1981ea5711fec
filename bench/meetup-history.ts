import { randomUUID } from 'node:crypto';
import { MeetupEvent } from '../src/meetups/domain/meetup.events';
import { seededRandom } from '../src/eventsourcing/testing/seeded-random';

const DAY = 86_400_000;
const CITIES = ['Lisbon', 'Porto', 'Berlin', 'Paris', 'Madrid', 'Dublin', 'Vienna', 'Prague'];

/** A meetup scheduled and published, then orders reserving seats, sold or released, and a few reschedulings. */
export function meetupHistory(meetupId: string, index: number, now: number, length: number): MeetupEvent[] {
  const random = seededRandom(index + 1);
  let startsAt = new Date(now + (7 + (index % 300)) * DAY);
  const history: MeetupEvent[] = [
    {
      type: 'MeetupScheduled',
      data: {
        meetupId,
        title: `Event sourcing night #${index}`,
        description: 'Talks on event sourcing and CQRS, then drinks.',
        city: CITIES[index % CITIES.length],
        startsAt: startsAt.toISOString(),
        capacity: 500,
        organizerId: randomUUID(),
        ticketPriceCents: 1500,
      },
    },
    { type: 'MeetupPublished', data: { meetupId } },
  ];
  while (history.length < length) {
    if (length - history.length === 1 || random() < 0.04) {
      const previous = startsAt;
      startsAt = new Date(previous.getTime() + DAY);
      history.push({
        type: 'MeetupRescheduled',
        data: { meetupId, startsAt: startsAt.toISOString(), previousStartsAt: previous.toISOString() },
      });
      continue;
    }
    const orderId = randomUUID();
    const quantity = 1 + Math.floor(random() * 4);
    history.push({ type: 'SeatsReserved', data: { meetupId, orderId, quantity } });
    history.push(
      random() < 0.8
        ? { type: 'SeatsSold', data: { meetupId, orderId, quantity } }
        : { type: 'SeatsReleased', data: { meetupId, orderId, quantity, sold: false } },
    );
  }
  return history;
}
