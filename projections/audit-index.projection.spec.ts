import { projectionSpecification } from '../src/eventsourcing/testing/projection-specification';
import { recordedEvents } from '../src/eventsourcing/testing/recorded-events';
import type { MeetupEvent } from '../src/meetups/domain/meetup.events';
import { auditIndexProjection } from './audit-index.projection';

const meetupId = '0b6f3c2e-1d4a-4e8b-9c7f-5a2b3c4d5e6f';
const published: MeetupEvent = { type: 'MeetupPublished', data: { meetupId } };
const cancelled: MeetupEvent = { type: 'MeetupCancelled', data: { meetupId, reason: 'Rain' } };

describe('audit index projection', () => {
  let spec: Awaited<ReturnType<typeof projectionSpecification>>;
  beforeAll(async () => {
    spec = await projectionSpecification(auditIndexProjection);
  });
  afterAll(() => spec.close());

  it('keeps one entry per event, written without reading first, whatever comes again', async () => {
    const events = recordedEvents(`meetup-${meetupId}`, [published, cancelled]);
    await spec.given(...events).then(
      events.map((event) => ({
        _id: event.eventId,
        streamId: event.streamId,
        type: event.type,
        revision: Number(event.revision),
        recordedAt: event.recordedAt,
        correlationId: 'test',
        userId: null,
        data: event.data,
        metadata: event.metadata,
      })),
    );
  });
});
