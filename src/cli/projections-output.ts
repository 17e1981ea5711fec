import { ConsumerView, LAG_COUNT_LIMIT } from '../eventsourcing/projections/consumer-overview';
import { FinishedRebuild } from '../eventsourcing/projections/projection-registry';

export type RebuildSummary = FinishedRebuild & { projection: string };

const KINDS = { projection: 'PROJECTION', reactor: 'REACTOR', process: 'PROCESS_MANAGER' } as const;

/** A view as JSON can carry it, named as the GraphQL API names it: positions as decimal strings. */
export const toJson = (view: ConsumerView): Record<string, unknown> =>
  JSON.parse(
    JSON.stringify({ ...view, kind: KINDS[view.kind] }, (_, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    ),
  );

const number = (value: number): string => Math.round(value).toLocaleString('en');

/** One line per consumer, in columns; a rebuild under way gets a line of its own beneath. */
export function formatStatus(views: ConsumerView[]): string {
  const header = ['CONSUMER', 'VERSION', 'STATE', 'CHECKPOINT', 'LAG', 'EVENTS/S', 'PARKED', 'HOLDER'];
  const rows = views.map((view) => [
    view.name,
    view.version?.toString() ?? '',
    view.state,
    view.checkpoint?.toString() ?? '-',
    view.lag >= LAG_COUNT_LIMIT ? `${number(view.lag)}+` : number(view.lag),
    number(view.eventsPerSecond),
    number(view.parked),
    view.holder ?? '-',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const lines = [line(header)];
  views.forEach((view, index) => {
    lines.push(line(rows[index]));
    if (view.lastError) lines.push(`  last error: ${view.lastError}`);
    const rebuild = view.rebuild;
    if (rebuild) {
      const eta = rebuild.etaSeconds === undefined ? '' : `, about ${rebuild.etaSeconds} s left`;
      lines.push(
        `  rebuilding version ${rebuild.version} (${rebuild.reason}): ${rebuild.percent.toFixed(1)}%, ` +
          `${number(rebuild.events)} events at ${number(rebuild.eventsPerSecond)} events/s${eta}`,
      );
    }
  });
  return lines.join('\n');
}

export function formatSummary(summary: RebuildSummary): string {
  const started = summary.startedAt ?? summary.requestedAt;
  const seconds = (summary.finishedAt.getTime() - new Date(started).getTime()) / 1000;
  const done = `${summary.projection}: version ${summary.version} rebuilt and swapped in at position ${summary.position}`;
  // A worker that took the rebuild over at its swap read no event itself.
  if (summary.events === 0) return `${done} after ${seconds.toFixed(1)} s.`;
  const rate = seconds > 0 ? `, ${number(summary.events / seconds)} events/s` : '';
  return `${done}: ${number(summary.events)} events in ${seconds.toFixed(1)} s${rate}.`;
}
