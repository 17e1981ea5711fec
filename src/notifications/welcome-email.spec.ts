import { normaliseEmail } from '../identity/email-address';
import { welcomeEmail } from './welcome-email';

describe('welcomeEmail', () => {
  it('greets the person by name', () => {
    const { subject, text } = welcomeEmail('Ada Lovelace');
    expect(subject).toBe('Welcome to Meetups, Ada Lovelace');
    expect(text).toMatch(/^Hello Ada Lovelace,\n\nWelcome to Meetups!/);
  });

  it('greets a person without a name, or whose name is only blanks', () => {
    for (const name of [null, '', ' \t ']) {
      expect(welcomeEmail(name).subject).toBe('Welcome to Meetups');
      expect(welcomeEmail(name).text).toMatch(/^Hello,\n/);
    }
  });

  it('keeps the subject on one line whatever the name holds', () => {
    const { subject } = welcomeEmail('Eve\r\nBcc: victim@example.org\u2028!');
    expect(subject).toBe('Welcome to Meetups, Eve Bcc: victim@example.org !');
  });
});

describe('normaliseEmail', () => {
  it('trims, applies NFKC and lower-cases', () => {
    expect(normaliseEmail('  Ｇrace.Hopper@Example.ORG\n')).toBe('grace.hopper@example.org');
  });
});
