import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ApiError } from '../../common/api-error';
import { formatMac, formatPrefix, isLocallyAdministered, normalizeMac } from './mac-address';
import { OuiIndex } from './oui-index';
import type { OuiStatusView, OuiView } from './oui.view';

/** MAC vendor lookups from the IEEE registries shipped by `oui-data`; no network traffic. */
@Injectable()
export class OuiService implements OnModuleInit {
  private readonly logger = new Logger('OuiService');
  private index?: OuiIndex;

  /** Built once at start (~50k prefixes, tens of milliseconds); every lookup is then O(1). */
  onModuleInit(): void {
    try {
      this.index = OuiIndex.fromFile(require.resolve('oui-data'));
    } catch (e) {
      // A controller without vendor names is still a controller: report it in status.
      this.logger.error({ err: (e as Error).message }, 'OUI database could not be loaded');
    }
  }

  /** Validates every MAC before looking any up, so a bad entry fails the whole request. */
  lookupMany(macs: string[]): OuiView[] {
    return macs.map((mac) => this.requireMac(mac)).map((hex) => this.lookupHex(hex));
  }

  lookup(mac: string): OuiView {
    return this.lookupHex(this.requireMac(mac));
  }

  status(): OuiStatusView {
    return { loaded: this.index !== undefined, entry_count: this.index?.size ?? 0 };
  }

  private requireMac(mac: string): string {
    const hex = normalizeMac(mac);
    if (!hex) {
      throw ApiError.badRequest(
        `"${mac.slice(0, 40)}" is not a MAC address (use 00:1C:42:AB:CD:EF, 00-1C-42-AB-CD-EF or 001C42ABCDEF)`,
        'invalid_mac',
      );
    }
    return hex;
  }

  private lookupHex(hex: string): OuiView {
    const entry = this.index?.lookup(hex);
    const base = { mac: formatMac(hex), locally_administered: isLocallyAdministered(hex) };
    if (!entry)
      return {
        mac: base.mac,
        oui: formatPrefix(hex.slice(0, 6)),
        vendor: null,
        found: false,
        locally_administered: base.locally_administered,
      };
    return {
      mac: base.mac,
      oui: formatPrefix(entry.prefix),
      vendor: entry.vendor,
      found: true,
      registry: entry.registry,
      locally_administered: base.locally_administered,
    };
  }
}
