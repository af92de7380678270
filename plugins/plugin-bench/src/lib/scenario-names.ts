/** The bench scenarios by name: a module of its own, so that `bench --help` loads none of them. */
export const SCENARIOS = [
  'cli-start',
  'tenant-list-100',
  'tenant-list-sdk',
  'tenant-list-1000',
  'apply-20',
  'apply-200',
  'apply-1000',
  'flow-export-10',
  'flow-export-100',
  'drift-1000',
  'plan-10000',
  'fleet-4x50',
] as const
export type ScenarioName = typeof SCENARIOS[number]
