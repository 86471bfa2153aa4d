import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { call, errorOf } from '../helpers/api';
import { forgetAccessKeys } from '../../../worker/src/team/cloudflare-access';
import { moderatorSession, ownerSession, SITE_A } from './helpers';

/**
 * Cloudflare Access: the keys are made here, and the team's certificate endpoint is answered by
 * the test (the Worker's outbound fetch), since Cloudflare cannot be reached offline.
 */
const TEAM = 'parley-test.cloudflareaccess.com';
const AUD = 'a1b2c3d4e5f6-audience-tag';
const ACCESS = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD };

let teamKey: { privateKey: CryptoKey; jwk: JWK };
let otherKey: { privateKey: CryptoKey };
const fetched: string[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  teamKey = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: 'team-key', alg: 'RS256', use: 'sig' } };
  otherKey = { privateKey: (await generateKeyPair('RS256')).privateKey };
});

afterEach(async () => {
  forgetAccessKeys();
  fetched.length = 0;
  await reset();
});

/** Cloudflare's certificate endpoint for the team, as the test's stand-in. */
const certificates: typeof fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input);
  fetched.push(url);
  if (url === `https://${TEAM}/cdn-cgi/access/certs`) return Response.json({ keys: [teamKey.jwk] });
  return new Response('not found', { status: 404 });
};

interface Claims {
  email?: string;
  iss?: string;
  aud?: string;
  exp?: number;
}

async function accessJwt(claims: Claims = {}, key: CryptoKey = teamKey.privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ email: claims.email ?? 'mia@example.com', type: 'app' })
    .setProtectedHeader({ alg: 'RS256', kid: 'team-key' })
    .setIssuer(claims.iss ?? `https://${TEAM}`)
    .setAudience(claims.aud ?? AUD)
    .setIssuedAt(now - 60)
    .setExpirationTime(claims.exp ?? now + 3600);
  return jwt.sign(key);
}

const withAccess = (path: string, jwt: string, overrides: Record<string, unknown> = ACCESS) => call(path, { headers: { 'cf-access-jwt-assertion': jwt } }, undefined, overrides, certificates);

describe('Cloudflare Access', () => {
  it('signs in the member its verified token names, with their sites and their name in the audit log', async () => {
    const mia = await moderatorSession('mia@example.com', [SITE_A.id]);
    const page = await withAccess('/admin', await accessJwt());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<span class="who">Mia Moderator</span>');
    const me = await (await withAccess('/api/admin/me', await accessJwt({ email: 'MIA@example.com' }))).json<{ member: { id: string; sites: string[] }; via: string }>();
    expect(me).toMatchObject({ member: { id: mia.id, sites: [SITE_A.id] }, via: 'access' });
    expect(fetched).toEqual([`https://${TEAM}/cdn-cgi/access/certs`]); // fetched once, then kept
  });

  it('refuses a token for another application (wrong audience)', async () => {
    await moderatorSession();
    const response = await withAccess('/api/admin/me', await accessJwt({ aud: 'another-application' }));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toContain('"aud" claim');
  });

  it('refuses a token of another team (wrong issuer)', async () => {
    await moderatorSession();
    const response = await withAccess('/api/admin/me', await accessJwt({ iss: 'https://evil.cloudflareaccess.com' }));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toContain('"iss" claim');
  });

  it('refuses an expired token', async () => {
    await moderatorSession();
    const response = await withAccess('/api/admin/me', await accessJwt({ exp: Math.floor(Date.now() / 1000) - 120 }));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toContain('expired');
  });

  it('refuses a tampered token and one signed by another key', async () => {
    await moderatorSession('mia@example.com');
    await ownerSession('Olive Owner', 'olive@example.com');
    const [header, payload, signature] = (await accessJwt()).split('.');
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const forged = btoa(JSON.stringify({ ...claims, email: 'olive@example.com' })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const tampered = await withAccess('/api/admin/me', `${header}.${forged}.${signature}`);
    expect(tampered.status).toBe(401);
    const otherSigner = await withAccess('/api/admin/me', await accessJwt({ email: 'olive@example.com' }, otherKey.privateKey));
    expect(otherSigner.status).toBe(401);
  });

  it('refuses someone Access let through who is not a member (403 not_a_member)', async () => {
    const response = await withAccess('/api/admin/me', await accessJwt({ email: 'stranger@example.com' }));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('not_a_member');
  });

  it('is ignored when not configured, and refused when half configured', async () => {
    await moderatorSession();
    const jwt = await accessJwt();
    expect((await withAccess('/api/admin/me', jwt, {})).status).toBe(401);
    expect(await (await withAccess('/admin', jwt, {})).text()).toContain('Sign in with a passkey');
    expect(fetched).toEqual([]);
    const half = await withAccess('/api/admin/me', jwt, { ACCESS_TEAM_DOMAIN: TEAM });
    expect(half.status).toBe(503);
    expect((await errorOf(half)).message).toContain('ACCESS_AUD');
  });

  it('still needs the dashboard’s origin for changes', async () => {
    await moderatorSession();
    const response = await call('/api/admin/comments/bulk', { method: 'POST', headers: { 'cf-access-jwt-assertion': await accessJwt(), origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' }, undefined, ACCESS, certificates);
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden_origin');
  });
});
