/** Line breaks and other control characters would break a header line: each run becomes a space. */
const oneLine = (text: string): string => text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();

/** The e-mail a person gets on signing up. */
export function welcomeEmail(displayName: string | null): { subject: string; text: string } {
  const name = displayName === null ? '' : oneLine(displayName);
  return {
    subject: name ? `Welcome to Meetups, ${name}` : 'Welcome to Meetups',
    text: [
      name ? `Hello ${name},` : 'Hello,',
      '',
      'Welcome to Meetups! Your account is ready: find meetups near you and get tickets',
      'for the ones you like.',
      '',
      'You receive this e-mail because this address was used to sign up for Meetups.',
      '',
    ].join('\n'),
  };
}
