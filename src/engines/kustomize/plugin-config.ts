// One generator/transformer/validator config of a kustomization, as the plugin runners and the built-in
// plugins both see it (its own module, so that neither imports the other for it).
import type { Configured } from './filters/origin.ts';
import { asText } from './kustomization.ts';

/** PluginConfig is one config object and where it came from. */
export interface PluginConfig {
  data: Record<string, unknown>;
  /** file holding the config (the kustomization for inline ones), for diagnostics. */
  file: string;
  /** origin for buildMetadata tracking (set when tracking is on). */
  origin?: Configured;
}

/** pluginName is a config's metadata.name, for messages. */
export function pluginName(c: PluginConfig): string {
  return asText(((c.data['metadata'] ?? {}) as Record<string, unknown>)['name']);
}
