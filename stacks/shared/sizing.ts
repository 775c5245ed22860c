/**
 * The sizing policies of the seed's `discovery` class, shared by the example clusters:
 * small VMs share cores, large ones get whole cores and memory per core.
 */
import type { SizingPolicy } from 'dvpc';

export const SEED_SIZING: SizingPolicy[] = [
  // 1–4 cores: 1–8 GiB in steps of 512 MiB, every core fraction.
  { cores: { min: 1, max: 4 }, memory: { min: '1Gi', max: '8Gi', step: '512Mi' }, dedicatedCores: [false], coreFractions: [5, 10, 20, 50, 100] },
  // 5–8 cores: 5–16 GiB in steps of 1 GiB.
  { cores: { min: 5, max: 8 }, memory: { min: '5Gi', max: '16Gi', step: '1Gi' }, dedicatedCores: [false], coreFractions: [20, 50, 100] },
  // 9–16 cores: 9–32 GiB in steps of 1 GiB; dedicated cores allowed.
  { cores: { min: 9, max: 16 }, memory: { min: '9Gi', max: '32Gi', step: '1Gi' }, dedicatedCores: [true, false], coreFractions: [50, 100] },
  // 17 cores and more: 1–2 GiB per core, whole cores only.
  { cores: { min: 17, max: 1024 }, memory: { perCore: { min: '1Gi', max: '2Gi' } }, dedicatedCores: [true], coreFractions: [100] },
];

/** A public SSH key for the examples (public keys are fine in git; private keys never are). */
export const ADMIN_SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDvpcExampleKeyOnlyForDocsAndTests0000000 admin@example';
