import type { RecordedDomainEvent } from '../src/eventsourcing/event-store/event-metadata';
import type { MeetupEvent } from '../src/meetups/domain/meetup.events';
import { MeetupCatalogDocument, meetupCatalogProjection } from './meetup-catalog.projection';

let position = 0n;
const recorded = (event: MeetupEvent, revision: number): RecordedDomainEvent => ({
  eventId: `e-${revision}`,
  streamId: 'meetup-1',
  type: event.type,
  revision: BigInt(revision),
  position: (position += 100n),
  recordedAt: new Date(),
  data: event.data,
  metadata: {
    correlationId: 'c',
    causationId: 'c',
    commandId: 'c',
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});

const project = (events: RecordedDomainEvent[]) =>
  events.reduce<MeetupCatalogDocument | undefined>(
    (doc, e) => meetupCatalogProjection.apply(doc, e),
    undefined,
  );

describe('meetup catalog projection', () => {
  const scheduled = recorded(
    {
      type: 'MeetupScheduled',
      data: {
        meetupId: 'm-1',
        title: 'Event sourcing',
        description: 'Talks',
        city: 'Lisbon',
        startsAt: '2026-03-01T18:00:00.000Z',
        capacity: 50,
      },
    },
    0,
  );

  it('lists a scheduled meetup as a draft', () => {
    expect(project([scheduled])).toEqual({
      _id: 'm-1',
      title: 'Event sourcing',
      description: 'Talks',
      city: 'Lisbon',
      startsAt: new Date('2026-03-01T18:00:00.000Z'),
      capacity: 50,
      status: 'DRAFT',
      revision: 0,
    });
  });

  it('follows publishing, rescheduling and cancelling', () => {
    const doc = project([
      scheduled,
      recorded({ type: 'MeetupPublished', data: { meetupId: 'm-1' } }, 1),
      recorded(
        {
          type: 'MeetupRescheduled',
          data: {
            meetupId: 'm-1',
            startsAt: '2026-04-01T18:00:00.000Z',
            previousStartsAt: '2026-03-01T18:00:00.000Z',
          },
        },
        2,
      ),
    ]);
    expect(doc).toMatchObject({
      status: 'PUBLISHED',
      startsAt: new Date('2026-04-01T18:00:00.000Z'),
      revision: 2,
    });
    const cancelled = meetupCatalogProjection.apply(
      doc,
      recorded({ type: 'MeetupCancelled', data: { meetupId: 'm-1', reason: 'Venue closed' } }, 3),
    );
    expect(cancelled).toMatchObject({ status: 'CANCELLED', revision: 3 });
  });

  it('files every event under its meetup', () => {
    expect(meetupCatalogProjection.documentId(scheduled)).toBe('m-1');
  });
});
