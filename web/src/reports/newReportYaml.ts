// The starting definition of a new report (the template, or a copy of another report handed over
// in memory), and the two fields the editor reads from the YAML text before the server has answered
// (the id to save under, the visual of the preview).
import type { VisualType } from './reportTypes.ts';

export const NEW_REPORT_YAML = `id: my-report
title: My report
description: Events per subsystem in the chosen time range.
dataset: events
dimensions: [subsystem]
measures: [events]
filters:
  - id: time
    kind: time_range
    dimension: ts
    default: now-24h..now
  - id: subsystem
    kind: multi_select
    dimension: subsystem
visual:
  type: bar
  x: subsystem
  y: events
sort: { column: events, dir: desc }
`;

const VISUALS: VisualType[] = ['table', 'timeseries', 'bar', 'pie', 'heatmap', 'stat', 'graph'];

export function yamlId(yaml: string): string | undefined {
  const m = /^id:\s*["']?([A-Za-z0-9][\w.-]*)["']?\s*$/m.exec(yaml);
  return m?.[1];
}

export function yamlVisual(yaml: string): VisualType | undefined {
  const m =
    /^visual:\s*(?:(\w+)\s*$|\{[^}]*?\btype:\s*["']?(\w+)|\n(?:[ \t]+.*\n)*?[ \t]+type:\s*["']?(\w+))/m.exec(
      yaml,
    );
  const v = (m?.[1] ?? m?.[2] ?? m?.[3]) as VisualType | undefined;
  return v && VISUALS.includes(v) ? v : undefined;
}

let draft: string | undefined;

/** A copy of a report's YAML as the next new report, under a new id and title. */
export function offerCopy(yaml: string): void {
  draft = yaml
    .replace(/^id:\s*["']?([\w.-]+)["']?\s*$/m, (_, id: string) => `id: ${id}-copy`)
    .replace(/^title:\s*(.+)$/m, (_, t: string) => `title: ${t.replace(/^["']|["']$/g, '')} (copy)`);
}

/** The YAML a new report starts from: an offered copy, else the template. */
export function draftYaml(): string {
  return draft ?? NEW_REPORT_YAML;
}

/** The copy is used once: the next "New report" starts from the template again. */
export function clearDraft(): void {
  draft = undefined;
}
