import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

/** A fixed number, or a range drawn from uniformly (both ends included). */
export type Span = number | { min: number; max: number };

/**
 * Reproducible randomness for tests: the same seed gives the same draws, so a failing schedule
 * can be replayed from its seed.
 *
 * @example
 * const random = new SeededRandom(42);
 * random.int(1, 6); // the same number on every run with seed 42
 */
export class SeededRandom {
  private readonly generator;

  constructor(readonly seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return uniformInt(this.generator, min, max);
  }

  /** A number in [0, 1). */
  float(): number {
    return uniformFloat64(this.generator);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)];
  }

  /** An element chosen by weight: `[[weight, value], …]`. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let draw = this.float() * total;
    for (const [weight, value] of choices) {
      if (draw < weight) return value;
      draw -= weight;
    }
    return choices[choices.length - 1][1];
  }

  /** A value of a span: the number itself, or a whole number drawn from the range. */
  span(span: Span): number {
    return typeof span === 'number' ? span : this.int(Math.round(span.min), Math.round(span.max));
  }

  /** A new generator whose draws do not disturb this one's sequence. */
  fork(salt: number): SeededRandom {
    return new SeededRandom((this.seed * 1_000_003 + salt) | 0);
  }
}
