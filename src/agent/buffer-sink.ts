// The agent's Warehouse-shaped sink: `startIngest` commits into it exactly as into a warehouse,
// and each commit becomes one durable disk-buffer record holding the rows and the source positions
// together. So the agent's read positions move exactly when their rows are safely in the buffer,
// and on restart the pipelines resume from the buffer's last record. Everything that reads rows
// back belongs to the server: those methods refuse.
import type { Dialect } from '../warehouse/dialect.ts';
import type { Row } from '../warehouse/engine.ts';
import type {
  CommitBatch,
  DeadLetterPage,
  EventPage,
  VolumePoint,
  Warehouse,
  WarehouseCounts,
} from '../warehouse/warehouse.ts';
import type { DiskBuffer } from './disk-buffer.ts';

const refuse = (what: string): never => {
  throw new Error(`the agent's buffer cannot ${what}: the agent only ships rows; query the Mortar server`);
};

export function bufferSink(buffer: DiskBuffer): Warehouse {
  return {
    get dialect(): Warehouse['dialect'] {
      return refuse('name a SQL dialect');
    },
    get sqlDialect(): Dialect {
      return refuse('name a SQL dialect');
    },
    query: async (): Promise<Row[]> => refuse('run queries'),
    execute: async () => refuse('run statements'),
    migrate: async () => {},
    async commit(batch: CommitBatch) {
      if (batch.resolvesDeadLetters?.length) refuse('resolve stored dead letters');
      await buffer.append(batch);
    },
    positions: async (pipeline) => buffer.sourcePositions(pipeline),
    events: async (): Promise<EventPage> => refuse('list events'),
    volume: async (): Promise<VolumePoint[]> => refuse('count volume'),
    counts: async (): Promise<WarehouseCounts> => refuse('count rows'),
    deadLetters: async (): Promise<DeadLetterPage> => refuse('list dead letters'),
    close: async () => {},
  };
}
