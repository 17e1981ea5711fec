/** Line breaks and other control characters would break a line: each run becomes a space. */
const oneLine = (text: string): string => text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();

/**
 * The e-mail a person gets on signing up. Whoever signs up chooses the name, and may give
 * someone else's address: the name stays out of the subject, so it cannot pose as a message of ours.
 */
export function welcomeEmail(displayName: string | null): { subject: string; text: string } {
  const name = displayName === null ? '' : oneLine(displayName);
  return {
    subject: 'Welcome to Meetups',
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
