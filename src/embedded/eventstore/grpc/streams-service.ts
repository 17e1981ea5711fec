import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';

/**
 * The Streams service as the client defines it, except that Read also sends messages already
 * encoded to bytes (see read-event-encoder.ts).
 */
export const streamsService = {
  ...StreamsService,
  read: {
    ...StreamsService.read,
    responseSerialize: (message: ReadResp | Buffer): Buffer =>
      Buffer.isBuffer(message) ? message : Buffer.from(message.serializeBinary()),
  },
};
