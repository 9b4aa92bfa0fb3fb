import type { ConfigSettings } from './settings.ts';

/** One haproxy `server` line's worth of data; see server-line.ts for its text. */
export interface ServerModel {
  name: string;
  ip: string;
  port: number;
  weight: number;
  /** Health checks only pay off when there is another server to fail over to. */
  check: boolean;
}

export interface BackendModel {
  name: string;
  /** `namespace/name` of the route this backend serves. */
  routeKey: string;
  mode: 'http';
  balance: string;
  checkIntervalMs: number;
  servers: ServerModel[];
}

export interface MapEntry {
  key: string;
  value: string;
}

/** Map files by file name; each is looked up by the frontend named in the template. */
export interface MapFiles {
  /** `map` (exact) on `host+path`. */
  'os_http_be.map': MapEntry[];
  /** `map_beg` (longest prefix) on `host+path`. */
  'os_http_be_prefix.map': MapEntry[];
}

export type MapFileName = keyof MapFiles;

/** The whole generated configuration as data, before any text. */
export interface ConfigModel {
  settings: ConfigSettings;
  /** Sorted by name so the rendered file is stable. */
  backends: BackendModel[];
  maps: MapFiles;
}
