import { useTestApp } from '../support/app';
import { SCHEDULE, inDays } from '../support/meetup-operations';
import { signUp } from '../support/identity';

describe('identity: sign-up, log-in and acting as oneself', () => {
  const app = useTestApp();

  it('signs up, logs in and schedules a meetup as its organiser', async () => {
    const organiser = await signUp(app, 'ORGANIZER');
    const scheduled = await app.gql(
      SCHEDULE,
      { input: { title: 'Event sourcing', city: 'Lisbon', startsAt: inDays(10), capacity: 20 } },
      organiser.headers,
    );
    expect(scheduled.errors).toBeUndefined();
  });
});
