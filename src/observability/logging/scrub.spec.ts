import { scrub } from './scrub';

describe('scrub', () => {
  it('takes addresses, quoted keys, bearer tokens and JWTs out of a message', () => {
    expect(
      scrub('E11000 duplicate key error collection: db.users index: email_1 dup key: { email: "x" }'),
    ).toBe('E11000 duplicate key error collection: db.users index: email_1 dup key: { [redacted] }');
    expect(scrub('no mailbox for Ada.Lovelace+meetups@example.co.uk, retrying')).toBe(
      'no mailbox for [email], retrying',
    );
    expect(scrub('header was Bearer abc.def.ghi')).toBe('header was Bearer [redacted]');
    expect(scrub('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln expired')).toBe('token [token] expired');
  });

  it('leaves ids and positions alone', () => {
    const line =
      'subscription reactor:notifications: parked UserRegistered 7bb58700-3cf5-5d99-8c70-3c7a90f1102e (position 1844)';
    expect(scrub(line)).toBe(line);
  });
});
