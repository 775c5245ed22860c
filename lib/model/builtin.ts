/**
 * What the module installs by itself: the `generic` class (hook install-vmclass-generic), created
 * once, v1alpha2, Model Nehalem with four sizing policies. dvpc assumes it exists when the
 * inventory lists no classes, and the typed API offers it as a preset.
 */
export const GENERIC_CLASS_NAME = 'generic';

export const GENERIC_CLASS_SPEC = {
  cpu: { type: 'Model', model: 'Nehalem' },
  sizingPolicies: [
    { cores: { min: 1, max: 4 }, dedicatedCores: [false], coreFractions: [5, 10, 20, 50, 100] },
    { cores: { min: 5, max: 8 }, dedicatedCores: [false], coreFractions: [20, 50, 100] },
    { cores: { min: 9, max: 16 }, dedicatedCores: [true, false], coreFractions: [50, 100] },
    { cores: { min: 17, max: 1024 }, dedicatedCores: [true, false], coreFractions: [100] },
  ],
} as const;

export const GENERIC_CLASS_LABELS = { app: 'virtualization-controller', module: 'virtualization' } as const;

/** The generic class as the module creates it, as a manifest. */
export function genericClassManifest(): Record<string, unknown> {
  return {
    apiVersion: 'virtualization.deckhouse.io/v1alpha2',
    kind: 'VirtualMachineClass',
    metadata: { name: GENERIC_CLASS_NAME, labels: { ...GENERIC_CLASS_LABELS } },
    spec: JSON.parse(JSON.stringify(GENERIC_CLASS_SPEC)) as Record<string, unknown>,
  };
}
