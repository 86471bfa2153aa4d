import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Bindings } from '../app-env';
import { ApiError } from '../errors';

/**
 * Cloudflare Access in front of `/admin`: Access signs a JWT for each request it lets through
 * (`Cf-Access-Jwt-Assertion`). Parley trusts it only when the owner configured both the team
 * domain and the application's audience tag, and only after verifying it with `jose` against the
 * team's signing keys (fetched from `https://<team domain>/cdn-cgi/access/certs`): signature,
 * issuer (`https://<team domain>`), audience, expiry and not-before. Its `email` claim is then
 * mapped to a member of the team.
 */

export const ACCESS_HEADER = 'cf-access-jwt-assertion';

/** How long fetched signing keys are used before they are fetched again. */
const KEYS_TTL_MS = 10 * 60_000;
/** A token signed by an unknown key makes the keys be fetched again, at most this often (Access rotates them). */
const REFETCH_COOLDOWN_MS = 30_000;

const keyCache = new Map<string, { keys: JSONWebKeySet; at: number }>();

/** Tests only: forget fetched keys. */
export function forgetAccessKeys(): void {
  keyCache.clear();
}

export interface AccessSettings {
  /** `https://myteam.cloudflareaccess.com` */
  issuer: string;
  audience: string;
}

/**
 * The Access settings, or null when Access is not configured (its header is then ignored). Half a
 * configuration fails closed: a request carrying the header gets 503 `not_configured`.
 */
export function accessSettings(env: Pick<Bindings, 'ACCESS_TEAM_DOMAIN' | 'ACCESS_AUD'>): AccessSettings | null {
  const domain = env.ACCESS_TEAM_DOMAIN?.trim();
  const audience = env.ACCESS_AUD?.trim();
  if (!domain && !audience) return null;
  if (!domain || !audience) {
    throw new ApiError(503, 'not_configured', `Cloudflare Access is half configured: set both ACCESS_TEAM_DOMAIN and ACCESS_AUD (missing: ${domain ? 'ACCESS_AUD' : 'ACCESS_TEAM_DOMAIN'}; see docs/configuration.md).`);
  }
  const host = domain.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return { issuer: `https://${host}`, audience };
}

async function fetchKeys(settings: AccessSettings, outbound: typeof fetch): Promise<JSONWebKeySet> {
  const response = await outbound(`${settings.issuer}/cdn-cgi/access/certs`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(503, 'not_configured', `Cloudflare Access's signing keys could not be fetched (HTTP ${response.status}).`);
  const body = (await response.json()) as JSONWebKeySet;
  if (!body || !Array.isArray(body.keys)) throw new ApiError(503, 'not_configured', "Cloudflare Access's signing keys could not be read.");
  keyCache.set(settings.issuer, { keys: body, at: Date.now() });
  return body;
}

async function keysFor(settings: AccessSettings, outbound: typeof fetch, refresh: boolean): Promise<JSONWebKeySet> {
  const cached = keyCache.get(settings.issuer);
  const now = Date.now();
  if (cached && now - cached.at < KEYS_TTL_MS && !(refresh && now - cached.at > REFETCH_COOLDOWN_MS)) return cached.keys;
  return fetchKeys(settings, outbound);
}

/**
 * Verifies an Access JWT and answers the email it was issued to, or throws 401 `unauthorized`
 * (bad signature, wrong issuer or audience, expired, not yet valid, no email).
 *
 * @example
 * const email = await verifyAccessJwt(settings, c.req.header(ACCESS_HEADER)!, c.var.outbound);
 */
export async function verifyAccessJwt(settings: AccessSettings, token: string, outbound: typeof fetch): Promise<string> {
  const verifyWith = async (keys: JSONWebKeySet) =>
    jwtVerify(token, createLocalJWKSet(keys), { issuer: settings.issuer, audience: settings.audience, algorithms: ['RS256', 'ES256'], clockTolerance: 5 });
  let payload;
  try {
    try {
      ({ payload } = await verifyWith(await keysFor(settings, outbound, false)));
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      ({ payload } = await verifyWith(await keysFor(settings, outbound, true)));
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const reason = error instanceof errors.JWTExpired ? 'it has expired' : error instanceof errors.JWTClaimValidationFailed ? `its "${error.claim}" claim is not this application's` : 'its signature does not match';
    throw new ApiError(401, 'unauthorized', `The Cloudflare Access token was refused: ${reason}.`);
  }
  const email = typeof payload.email === 'string' ? payload.email.trim().toLowerCase() : '';
  if (!email) throw new ApiError(401, 'unauthorized', 'The Cloudflare Access token names no email address (service tokens cannot moderate).');
  return email;
}
