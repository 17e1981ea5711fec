import { Document } from 'bson';
import { Cursors } from './cursors';
import { Databases } from './database';
import { errors } from './errors';
import { StorageChange } from './storage';

export interface CommandContext {
  /** The database named by `$db`. */
  db: string;
  databases: Databases;
  cursors: Cursors;
  connectionId: number;
  /** Changes this command made, written durably before it is answered. */
  changes: StorageChange[];
}

export type CommandHandler = (command: Document, context: CommandContext) => Document;

export const nsOf = (context: CommandContext, collection: unknown): string => {
  if (typeof collection !== 'string' || collection.length === 0) {
    throw errors.invalidNamespace('collection name must be a non-empty string');
  }
  return `${context.db}.${collection}`;
};
