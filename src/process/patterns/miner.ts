// Streaming template miner (Drain-like): a message is masked (mask.ts), split on whitespace and
// routed by token count and leading word(s) to a small bucket of clusters; it joins the most similar
// cluster when enough positions agree (equal token, or `<*>` in the template) and only a few
// constant words would become `<*>` (never a word that stayed fixed while another word of the
// cluster varied, nor the word that names a quoted value); otherwise it starts a new cluster.
// One pass, one default configuration for every source.
//
// Ids: a cluster's id is a short hash of its template at creation (the first masked message that
// started it), so it is deterministic for an input order and stays the same when the template later
// generalises, which is what lets stored events keep their template id. Memory is bounded: at most
// `maxTemplates` clusters (then non-matching messages are counted as overflow) and at most
// `maxTokens` tokens per message (the tail is folded into one `<*>`).
import { createHash } from 'node:crypto';
import { maskMessage, WILDCARD } from './mask.ts';

export interface MinerOptions {
  /** Share of positions that must agree to join a cluster (0..1). */
  similarity: number;
  /** Cap on clusters; messages that would need a new one beyond it count as overflow. */
  maxTemplates: number;
  /** Tokens compared per message; the rest is folded into one `<*>`. */
  maxTokens: number;
  /** Characters of a message looked at. */
  maxChars: number;
}

export const DEFAULT_MINER_OPTIONS: Readonly<MinerOptions> = Object.freeze({
  similarity: 0.7,
  maxTemplates: 5000,
  maxTokens: 100,
  maxChars: 4096,
});

export const OVERFLOW_ID = 'overflow';

export interface Cluster {
  id: string;
  tokens: string[];
  count: number;
  /** A constant word of the first message became a wildcard. */
  varied?: boolean;
}

export interface Match {
  id: string;
  /** The cluster's template after this message (may generalise later). */
  template: string;
  /** True when this message started a new cluster. */
  created: boolean;
}

export function templateId(template: string): string {
  return createHash('sha256').update(template).digest('hex').slice(0, 12);
}

function tokenize(message: string, o: MinerOptions): string[] {
  const masked = maskMessage(message.length > o.maxChars ? message.slice(0, o.maxChars) : message);
  const tokens = masked.split(/\s+/).filter((t) => t !== '');
  if (tokens.length > o.maxTokens) {
    tokens.splice(o.maxTokens - 1, tokens.length, WILDCARD);
  }
  return tokens;
}

/**
 * Token count, the first token without digits or wildcards (a likely constant), and the next such
 * token when it is capitalised: after a program tag (`sshd: Accepted ...`) a capitalised word
 * starts the statement, while a lower-case one is as often a name (`sudo: alice : ...`).
 */
function leadKey(tokens: string[]): string {
  const words = tokens.filter((t) => !/\d|<\*>/.test(t));
  const second = words[1] !== undefined && /^[A-Z]/.test(words[1]) ? words[1] : '';
  return `${tokens.length}\u0000${words[0] ?? WILDCARD}\u0000${second}`;
}

/** Share of positions where the template accepts the message token. */
function similarity(template: string[], tokens: string[]): number {
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = template[i]!;
    if (t === tokens[i] || t === WILDCARD) same++;
  }
  return tokens.length === 0 ? 1 : same / tokens.length;
}

const QUOTED_VALUE = /^["'][<][*][>]["']/;

/**
 * Positions a message may turn into wildcards when it joins a cluster: one (two from 15 tokens
 * on, ...). Two messages that differ in two words of a short line are more often two statements
 * ("closed by authenticating user" / "closed by invalid user") than one with two free words.
 */
function maxNewWildcards(n: number): number {
  return 1 + Math.floor(n / 15);
}

export class PatternMiner {
  readonly options: MinerOptions;
  private readonly buckets = new Map<string, Cluster[]>();
  private readonly byId = new Map<string, Cluster>();
  overflow = 0;

  constructor(options: Partial<MinerOptions> = {}) {
    this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
  }

  get size(): number {
    return this.byId.size;
  }

  clusters(): Cluster[] {
    return [...this.byId.values()];
  }

  cluster(id: string): Cluster | undefined {
    return this.byId.get(id);
  }

  /** Re-creates a stored cluster (restart) from its saved tokens. */
  restoreTokens(id: string, tokens: string[], count: number, varied: boolean): void {
    if (this.byId.has(id)) return;
    const c: Cluster = { id, tokens: [...tokens], count, varied };
    this.byId.set(id, c);
    const key = leadKey(tokens);
    const bucket = this.buckets.get(key);
    if (bucket) bucket.push(c);
    else this.buckets.set(key, [c]);
  }

  /** Whether the cluster may absorb the message, turning the constant words it differs in into `<*>`. */
  private mayGeneralise(c: Cluster, tokens: string[]): boolean {
    let differing = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (c.tokens[i] === WILDCARD || c.tokens[i] === tokens[i]) continue;
      differing++;
      // The word that introduces a quoted value names what it is (relation "x", role "x").
      if (QUOTED_VALUE.test(tokens[i + 1] ?? '') && /^[A-Za-z]+$/.test(c.tokens[i]!)) return false;
    }
    if (differing === 0) return true;
    // A word that stayed put while another word of the same cluster varied is part of the
    // statement ("closed by authenticating user <*>" vs "closed by invalid user <*>").
    if (c.varied) return false;
    return differing <= maxNewWildcards(tokens.length);
  }

  /** Mines one message: the cluster it joined or started (or the overflow id). */
  add(message: string): Match {
    const tokens = tokenize(message, this.options);
    const key = leadKey(tokens);
    let bucket = this.buckets.get(key);
    let best: Cluster | undefined;
    let bestSim = -1;
    for (const c of bucket ?? []) {
      const s = similarity(c.tokens, tokens);
      if (s > bestSim && s >= this.options.similarity && this.mayGeneralise(c, tokens)) {
        best = c;
        bestSim = s;
      }
    }
    if (best) {
      for (let i = 0; i < tokens.length; i++) {
        if (best.tokens[i] !== tokens[i] && best.tokens[i] !== WILDCARD) {
          best.varied = true;
          best.tokens[i] = WILDCARD;
        }
      }
      best.count++;
      return { id: best.id, template: best.tokens.join(' '), created: false };
    }
    if (this.byId.size >= this.options.maxTemplates) {
      this.overflow++;
      return { id: OVERFLOW_ID, template: WILDCARD, created: false };
    }
    const template = tokens.join(' ');
    let id = templateId(template);
    for (let n = 1; this.byId.has(id); n++) id = templateId(`${template}\u0000${n}`);
    const c: Cluster = { id, tokens: [...tokens], count: 1 };
    this.byId.set(id, c);
    if (!bucket) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    bucket.push(c);
    return { id, template, created: true };
  }

  /** The final template of a cluster (or `<*>` for the overflow id). */
  template(id: string): string {
    return this.byId.get(id)?.tokens.join(' ') ?? WILDCARD;
  }
}
