import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainEvent } from '../deciders/decider';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EventSchemaRegistry, PersonalDataFields } from '../event-store/event-schema-registry';
import { PersonalDataKeys } from './personal-data-keys';

/** Marks a sealed value: AES-256-GCM, then base64url of IV (12 bytes), tag (16) and ciphertext. */
const SEALED = 'pd1:';

/**
 * Crypto-shredding: the personal fields an event schema declares are encrypted with their
 * person's key before they reach the event store, and decrypted as they are read. Once the key
 * is shredded every read gives `null` for them, while the rest of the event stays as it was.
 */
export class PersonalDataVault {
  constructor(
    private readonly registry: EventSchemaRegistry,
    private readonly keys: PersonalDataKeys,
  ) {}

  /** The events with their personal fields encrypted. */
  async seal<E extends DomainEvent>(events: E[]): Promise<E[]> {
    const sealed: E[] = [];
    for (const event of events) {
      const personal = this.registry.personalDataOf(event.type);
      if (!personal) {
        sealed.push(event);
        continue;
      }
      const data = { ...(event.data as Record<string, unknown>) };
      const subject = subjectOf(data, personal);
      const key = await this.keys.keyFor(subject);
      for (const field of personal.fields) {
        if (typeof data[field] === 'string') data[field] = encrypt(key, subject, data[field]);
      }
      sealed.push({ ...event, data });
    }
    return sealed;
  }

  /** The events with their personal fields decrypted, or `null` where the person was forgotten. */
  async reveal<E extends RecordedDomainEvent>(events: E[]): Promise<E[]> {
    const subjects = new Set<string>();
    for (const event of events) {
      const personal = this.registry.personalDataOf(event.type);
      if (personal) subjects.add(subjectOf(event.data as Record<string, unknown>, personal));
    }
    if (subjects.size === 0) return events;
    const keys = await this.keys.keysOf([...subjects]);
    return events.map((event) => {
      const personal = this.registry.personalDataOf(event.type);
      if (!personal) return event;
      const data = { ...(event.data as Record<string, unknown>) };
      const subject = subjectOf(data, personal);
      const key = keys.get(subject);
      for (const field of personal.fields) {
        const value = data[field];
        if (value === undefined || value === null) continue;
        data[field] = key && typeof value === 'string' ? decrypt(key, subject, value) : null;
      }
      return { ...event, data };
    });
  }
}

function subjectOf(data: Record<string, unknown>, personal: PersonalDataFields): string {
  const subject = data[personal.subject];
  if (typeof subject !== 'string')
    throw new Error(`Personal data without a subject in '${personal.subject}'`);
  return subject;
}

function encrypt(key: Buffer, subject: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subject));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return SEALED + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

/** A value written before encryption applied (not sealed) is read as it is, while its key lives. */
function decrypt(key: Buffer, subject: string, value: string): string | null {
  if (!value.startsWith(SEALED)) return value;
  const bytes = Buffer.from(value.slice(SEALED.length), 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(subject));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
