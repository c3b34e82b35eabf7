// Seeded pseudo-random numbers (mulberry32): the simulator's only source of chance, so a batch
// run with the same seed writes byte-identical files. Math.random is never used here.

export class Random {
  private state: number;

  constructor(seed: number) {
    // Spread small seeds (1, 2, 3) over the 32-bit space so neighbouring seeds diverge at once.
    this.state = (Math.imul(seed >>> 0 || 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer uniform in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Waiting time of a Poisson process with `ratePerUnit` events per unit (exponential distribution). */
  exponential(ratePerUnit: number): number {
    return -Math.log(1 - this.next()) / ratePerUnit;
  }

  /** A child generator: lets one part of the world draw numbers without shifting another's sequence. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }
}
