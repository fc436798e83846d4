import type { OuiRegistry } from './oui-index';

export interface OuiView {
  /** Normalised to upper case with colons. */
  mac: string;
  /** The matched IEEE prefix (`00-1C-42`), or the first three octets when nothing matched. */
  oui: string;
  vendor: string | null;
  found: boolean;
  /** Which IEEE registry the prefix comes from; present when found. */
  registry?: OuiRegistry;
  /** Randomised and locally assigned MACs have no vendor by design. */
  locally_administered: boolean;
}

export interface OuiListView {
  results: OuiView[];
  count: number;
}

export interface OuiStatusView {
  loaded: boolean;
  entry_count: number;
}
