import { randomUUID } from 'node:crypto';
import { OutgoingEmail } from '../../src/notifications/mail/mailer';
import { SmtpMailer } from '../../src/notifications/mail/smtp-mailer';
import { startSmtpServer } from '../support/smtp-server';

const tryLater = () => Object.assign(new Error('Try again later'), { responseCode: 451 });

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  messageId: randomUUID(),
  userId: randomUUID(),
  to: 'ada@example.org',
  subject: 'Welcome to Meetups',
  text: 'Hello Ada,\n\nWelcome to Meetups!\n',
  ...overrides,
});

const FROM = 'Meetups <no-reply@meetups.local>';

describe('SmtpMailer against an SMTP server', () => {
  it('delivers to exactly the recipient, with the subject, the body and a Message-ID from the message id', async () => {
    const server = await startSmtpServer();
    try {
      const message = email();
      await new SmtpMailer(server.url, FROM).send(message);

      expect(server.received).toHaveLength(1);
      const [received] = server.received;
      expect(received.mailFrom).toBe('no-reply@meetups.local');
      expect(received.rcptTo).toEqual(['ada@example.org']);
      expect(received.headers.get('to')).toBe('ada@example.org');
      expect(received.headers.get('from')).toBe(FROM);
      expect(received.headers.get('subject')).toBe('Welcome to Meetups');
      expect(received.headers.get('message-id')).toBe(`<${message.messageId}@meetups.local>`);
      expect(received.body).toBe(message.text);
    } finally {
      await server.close();
    }
  });

  it('gives every attempt at one message the same Message-ID', async () => {
    const server = await startSmtpServer();
    try {
      const mailer = new SmtpMailer(server.url, FROM);
      const message = email();
      await mailer.send(message);
      await mailer.send(message);
      expect(server.received.map((r) => r.headers.get('message-id'))).toEqual([
        `<${message.messageId}@meetups.local>`,
        `<${message.messageId}@meetups.local>`,
      ]);
    } finally {
      await server.close();
    }
  });

  it('rejects when the server answers 451 to RCPT TO, delivering nothing', async () => {
    const server = await startSmtpServer({
      onRcptTo: (_address, _session, callback) => callback(tryLater()),
    });
    try {
      await expect(new SmtpMailer(server.url, FROM).send(email())).rejects.toMatchObject({
        responseCode: 451,
      });
      expect(server.received).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('rejects when the server answers 451 to DATA', async () => {
    const server = await startSmtpServer({
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on('end', () => callback(tryLater()));
      },
    });
    try {
      await expect(new SmtpMailer(server.url, FROM).send(email())).rejects.toMatchObject({
        responseCode: 451,
      });
    } finally {
      await server.close();
    }
  });

  it('rejects when no server listens', async () => {
    const server = await startSmtpServer();
    await server.close();
    await expect(new SmtpMailer(server.url, FROM).send(email())).rejects.toThrow();
  });
});
