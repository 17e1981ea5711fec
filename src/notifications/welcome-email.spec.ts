import { normaliseEmail } from '../identity/email-address';
import { welcomeEmail } from './welcome-email';

describe('welcomeEmail', () => {
  it('greets the person by name', () => {
    const { subject, text } = welcomeEmail('Ada Lovelace');
    expect(subject).toBe('Welcome to Meetups');
    expect(text).toMatch(/^Hello Ada Lovelace,\n\nWelcome to Meetups!/);
  });

  it('greets a person without a name, or whose name is only blanks', () => {
    for (const name of [null, '', ' \t ']) {
      expect(welcomeEmail(name).subject).toBe('Welcome to Meetups');
      expect(welcomeEmail(name).text).toMatch(/^Hello,\n/);
    }
  });

  it('keeps the name out of the subject, and on one line in the text', () => {
    const { subject, text } = welcomeEmail(
      'URGENT: verify at http://evil.example\r\nBcc: victim@example.org\u2028!',
    );
    expect(subject).toBe('Welcome to Meetups');
    expect(text.split('\n')[0]).toBe(
      'Hello URGENT: verify at http://evil.example Bcc: victim@example.org !,',
    );
  });
});

describe('normaliseEmail', () => {
  it('trims, applies NFKC and lower-cases', () => {
    expect(normaliseEmail('  Ｇrace.Hopper@Example.ORG\n')).toBe('grace.hopper@example.org');
  });
});
