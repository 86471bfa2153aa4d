import { ApiError } from '../errors';
import { reach } from '../objects/clients';
import type { TeamObject } from '../objects/team-object';
import type { TeamResult } from './model';

/** The one team object's name: every account lives in it. */
const TEAM_OBJECT_NAME = 'team';

/** The answer of a call that succeeded (refusals are thrown). */
type Success<R> = R extends { ok: true } ? R : never;

/**
 * The Worker's way to the team's Durable Object. Refusals come back as {@link ApiError}s with
 * their status and code; an object that cannot be reached is a 503 that says a retry is safe.
 *
 * @example
 * const member = await stores.team.read((team) => team.memberByEmail('ada@example.com'));
 * const { invitation } = await stores.team.call((team) => team.invite({ email, name, sites, invitedBy, ttlMs }));
 */
export class TeamDirectory {
  constructor(private readonly namespace: DurableObjectNamespace<TeamObject>) {}

  private stub(): DurableObjectStub<TeamObject> {
    return this.namespace.get(this.namespace.idFromName(TEAM_OBJECT_NAME));
  }

  /** Calls a changing method; a refusal is thrown as an ApiError. */
  async call<F extends (team: DurableObjectStub<TeamObject>) => unknown>(method: F): Promise<Success<Awaited<ReturnType<F>>>> {
    const result = (await reach(() => method(this.stub()) as Promise<unknown>)) as TeamResult<object>;
    if (!result.ok) {
      const { status, code, message, field } = result.refusal;
      throw new ApiError(status, code, message, field);
    }
    return result as unknown as Success<Awaited<ReturnType<F>>>;
  }

  /** Calls a method that answers a plain value. */
  async read<T>(method: (team: DurableObjectStub<TeamObject>) => Promise<T>): Promise<T> {
    return (await reach(() => method(this.stub()))) as T;
  }
}
