/**
 * The e-mail a person gets on signing up. Anyone may sign up with any address, so nothing in it
 * comes from what was typed at sign-up: it cannot carry someone else's words to that address.
 */
export function welcomeEmail(): { subject: string; text: string } {
  return {
    subject: 'Welcome to Meetups',
    text: [
      'Hello,',
      '',
      'Welcome to Meetups! Your account is ready: find meetups near you and get tickets',
      'for the ones you like.',
      '',
      'You receive this e-mail because this address was used to sign up for Meetups.',
      'If that was not you, write to us and we will forget the account.',
      '',
    ].join('\n'),
  };
}
