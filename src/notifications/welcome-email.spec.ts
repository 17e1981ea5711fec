import { normaliseEmail } from '../identity/email-address';
import { welcomeEmail } from './welcome-email';

describe('welcomeEmail', () => {
  it('welcomes with fixed words only, and says what to do if the sign-up was not yours', () => {
    const { subject, text } = welcomeEmail();
    expect(subject).toBe('Welcome to Meetups');
    expect(text).toMatch(/^Hello,\n\nWelcome to Meetups!/);
    expect(text).toContain('If that was not you');
  });
});

describe('normaliseEmail', () => {
  it('trims, applies NFKC and lower-cases', () => {
    expect(normaliseEmail('  Ｇrace.Hopper@Example.ORG\n')).toBe('grace.hopper@example.org');
  });
});
