/** Turns data of schema version `n` into version `n + 1`. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** Which fields of an event are personal data, and whose: they are stored encrypted with that person's key. */
export interface PersonalDataFields {
  /** The field holding the person's id. */
  subject: string;
  fields: string[];
}

export interface EventSchema {
  type: string;
  /** The version new events are written with. Starts at 1. */
  version: number;
  /** `upcasters[n]` lifts version n to n + 1, for every n below `version`. */
  upcasters?: Record<number, Upcaster>;
  /** Fields of the latest version that hold personal data. */
  personalData?: PersonalDataFields;
  /** Fields the audit trail never shows (secrets such as password hashes). */
  confidential?: string[];
}

/**
 * The event types and their schema versions. Consumers only ever see the latest version:
 * older events are upcast step by step as they are read. A published version never changes.
 */
export class EventSchemaRegistry {
  private readonly schemas = new Map<string, EventSchema>();

  register(...schemas: EventSchema[]): this {
    for (const schema of schemas) {
      for (let v = 1; v < schema.version; v++) {
        if (!schema.upcasters?.[v])
          throw new Error(`${schema.type} v${schema.version} lacks an upcaster from v${v}`);
      }
      this.schemas.set(schema.type, schema);
    }
    return this;
  }

  versionOf(type: string): number {
    return this.schemas.get(type)?.version ?? 1;
  }

  confidentialOf(type: string): string[] {
    return this.schemas.get(type)?.confidential ?? [];
  }

  personalDataOf(type: string): PersonalDataFields | undefined {
    return this.schemas.get(type)?.personalData;
  }

  upcast(type: string, version: number, data: Record<string, unknown>): Record<string, unknown> {
    const schema = this.schemas.get(type);
    if (!schema) return data;
    let current = data;
    for (let v = version; v < schema.version; v++) current = schema.upcasters![v](current);
    return current;
  }
}
