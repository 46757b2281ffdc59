/** The four ways one call (client → multiplication) can travel, measured side by side. */
export const SCENARIOS = ['direct', 'dapr', 'mesh', 'dapr-mesh'] as const;
export type Scenario = (typeof SCENARIOS)[number];
