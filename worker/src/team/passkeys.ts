import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { ApiError } from '../errors';
import type { ServiceContext } from '../services/context';
import type { Member, PasskeyInfo } from './model';

/**
 * Passkeys (WebAuthn), with @simplewebauthn/server. The relying party is the dashboard's own
 * host (a passkey registered on `comments.example` works there only); the origin checked is the
 * request's. Each ceremony's challenge is kept by the team's object for 5 minutes and taken once:
 * a response can be verified only against the challenge made for it, and never twice.
 */

const CHALLENGE_TTL_MS = 5 * 60_000;
const RP_NAME = 'Parley moderation';

function relyingParty(c: ServiceContext): { rpID: string; origin: string } {
  const url = new URL(c.req.url);
  return { rpID: url.hostname, origin: url.origin };
}

function failed(message = 'The passkey could not be verified. Try again.'): ApiError {
  return new ApiError(400, 'passkey_failed', message);
}

/** Step 1 of registering a passkey for a signed-in member: the options for `navigator.credentials.create()`. */
export async function registrationOptions(c: ServiceContext, member: Member): Promise<{ flow: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const { rpID } = relyingParty(c);
  const existing = await c.var.stores.team.read((team) => team.passkeyIds(member.id));
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID,
    userName: member.email ?? member.name,
    userDisplayName: member.name,
    userID: new Uint8Array(new TextEncoder().encode(member.id)),
    attestationType: 'none',
    excludeCredentials: existing.map((key) => ({ id: key.id, transports: key.transports })),
    // A discoverable credential: signing in then needs no name or address typed first.
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  const flow = await c.var.stores.team.read((team) => team.saveChallenge({ purpose: 'register', memberId: member.id, challenge: options.challenge, ttlMs: CHALLENGE_TTL_MS }));
  return { flow, options };
}

/** Step 2: verifies the authenticator's answer against the challenge made for this member, and keeps the passkey. */
export async function finishRegistration(c: ServiceContext, member: Member, flow: string, response: unknown, name: string): Promise<PasskeyInfo> {
  const challenge = await c.var.stores.team.read((team) => team.takeChallenge({ id: flow, purpose: 'register', memberId: member.id }));
  if (!challenge) throw failed('This passkey request has expired. Try again.');
  const { rpID, origin } = relyingParty(c);
  let verification;
  try {
    verification = await verifyRegistrationResponse({ response: response as RegistrationResponseJSON, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false });
  } catch (error) {
    throw failed(`The passkey could not be verified: ${error instanceof Error ? error.message : 'unknown error'}.`);
  }
  if (!verification.verified) throw failed();
  const { credential } = verification.registrationInfo;
  const { passkey } = await c.var.stores.team.call((team) =>
    team.addPasskey({ id: credential.id, memberId: member.id, name, publicKey: isoBase64URL.fromBuffer(credential.publicKey), counter: credential.counter, transports: credential.transports ?? [] }),
  );
  return passkey;
}

/** Step 1 of signing in: options for `navigator.credentials.get()`, for any passkey of this site (discoverable). */
export async function authenticationOptions(c: ServiceContext): Promise<{ flow: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const { rpID } = relyingParty(c);
  const options = await generateAuthenticationOptions({ rpID, userVerification: 'preferred', allowCredentials: [] });
  const flow = await c.var.stores.team.read((team) => team.saveChallenge({ purpose: 'authenticate', memberId: null, challenge: options.challenge, ttlMs: CHALLENGE_TTL_MS }));
  return { flow, options };
}

/** Step 2: the member whose passkey signed this challenge, or 400 `passkey_failed`. */
export async function finishAuthentication(c: ServiceContext, flow: string, response: unknown): Promise<Member> {
  const challenge = await c.var.stores.team.read((team) => team.takeChallenge({ id: flow, purpose: 'authenticate', memberId: null }));
  if (!challenge) throw failed('This sign-in request has expired. Try again.');
  const answer = response as AuthenticationResponseJSON;
  const stored = typeof answer?.id === 'string' ? await c.var.stores.team.read((team) => team.passkey(answer.id)) : null;
  if (!stored) throw failed('This passkey is not registered here (it may have been removed).');
  const { rpID, origin } = relyingParty(c);
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: answer,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: stored.id, publicKey: isoBase64URL.toBuffer(stored.publicKey), counter: stored.counter, transports: stored.transports as never },
      requireUserVerification: false,
    });
  } catch (error) {
    throw failed(`The passkey could not be verified: ${error instanceof Error ? error.message : 'unknown error'}.`);
  }
  if (!verification.verified) throw failed();
  await c.var.stores.team.read((team) => team.usePasskey({ id: stored.id, counter: verification.authenticationInfo.newCounter }));
  const member = await c.var.stores.team.read((team) => team.member(stored.memberId));
  if (!member) throw failed('This passkey belongs to no member any more.');
  return member;
}
