// RFC 6587 framing cases: each input is fed in every possible two-way split (a message cut across
// TCP segments anywhere, also inside a UTF-8 character or the octet count) and must frame the same.
import { describe, expect, it } from 'vitest';
import { type RecordSink, SyslogStreamFramer } from './syslog-framer.ts';

type Out = { record: string; at: [number, number] } | { reject: string; raw: string; at: [number, number] };

function frame(input: Buffer, max: number, cuts: number[] = []): { out: Out[]; ok: boolean } {
  const out: Out[] = [];
  const sink: RecordSink = {
    record: (text, o, e) => out.push({ record: text, at: [o, e] }),
    reject: (reason, raw, o, e) => out.push({ reject: reason, raw, at: [o, e] }),
  };
  const f = new SyslogStreamFramer(max);
  let ok = true;
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    ok &&= f.push(input.subarray(from, cut), sink);
    from = cut;
  }
  f.end(sink);
  return { out, ok };
}

const octet = (...msgs: string[]) => Buffer.from(msgs.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''));

function everySplit(input: Buffer, max: number): Out[] {
  const whole = frame(input, max).out;
  for (let cut = 1; cut < input.length; cut++)
    expect(frame(input, max, [cut]).out, `cut at ${cut}`).toEqual(whole);
  return whole;
}

describe('syslog stream framing', () => {
  it('octet counting: messages may contain line ends; offsets cover the count prefix', () => {
    const input = octet('<13>1 - h a - - - first\nline', '<14>héllo wörld');
    const out = everySplit(input, 100);
    expect(out).toEqual([
      { record: '<13>1 - h a - - - first\nline', at: [0, 31] },
      { record: '<14>héllo wörld', at: [31, input.length] },
    ]);
  });

  it('octet counting: an oversize message is rejected and skipped exactly, the next one is fine', () => {
    const big = `<13>${'x'.repeat(300)}`;
    const out = everySplit(octet(big, '<13>next'), 100);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ reject: expect.stringMatching(/longer than 100 bytes/) });
    expect((out[0] as { raw: string }).raw.startsWith('<13>xxx')).toBe(true);
    expect(out[1]).toMatchObject({ record: '<13>next' });
  });

  it('octet counting: an unreadable count rejects the rest and asks to close the connection', () => {
    const { out, ok } = frame(Buffer.from('12 <13>hello wo12x garbage'), 100);
    expect(ok).toBe(false);
    expect(out[0]).toMatchObject({ record: '<13>hello wo' });
    expect(out[1]).toMatchObject({
      reject: expect.stringMatching(/invalid octet count/),
      raw: '12x garbage',
    });
  });

  it('octet counting: a connection closed mid-message is a dead letter, not a short record', () => {
    const { out } = frame(Buffer.from('20 <13>only half'), 100);
    expect(out).toEqual([
      { reject: expect.stringMatching(/after 13 of 20 announced bytes/), raw: '<13>only half', at: [0, 16] },
    ]);
  });

  it('line framing: LF or CRLF, empty lines skipped, a last line without LF still counts at close', () => {
    const input = Buffer.from('<13>a\r\n\n<13>b ü\n<13>c');
    const out = everySplit(input, 100);
    expect(out.map((o) => ('record' in o ? o.record : o.reject))).toEqual(['<13>a', '<13>b ü', '<13>c']);
    expect(out[1]!.at).toEqual([8, 17]);
  });

  it('line framing: an oversize line is rejected with its head, without holding it whole', () => {
    const out = everySplit(Buffer.from(`<13>${'y'.repeat(5000)}\n<13>ok\n`), 64);
    expect(out[0]).toMatchObject({ reject: expect.stringMatching(/longer than 64/), at: [0, 5005] });
    expect((out[0] as { raw: string }).raw).toHaveLength(1024);
    expect(out[1]).toMatchObject({ record: '<13>ok' });
  });
});
