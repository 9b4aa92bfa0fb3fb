import pkg from '../../package.json' with { type: 'json' };
import errorPage404 from '../../templates/error-page-404.http' with { type: 'text' };
import errorPage503 from '../../templates/error-page-503.http' with { type: 'text' };
import template from '../../templates/haproxy-config.eta' with { type: 'text' };
import checkBackendTemplate from '../../templates/check-backend.eta' with { type: 'text' };
import gatewayMatchLua from '../../templates/gateway-match.lua' with { type: 'text' };
import type { RendererAssets } from './render.ts';

/** Bundled into the executable by `bun build --compile`: no template or error page on disk. */
export const EMBEDDED_ASSETS: RendererAssets = { template, checkBackendTemplate, errorPage503, errorPage404, gatewayMatchLua, version: pkg.version };
