// A high-availability pair (gateway, alarm server): one active node does the work, the standby
// takes over a few seconds after the active one goes silent. Work that arrives while nobody is
// active waits for the takeover, as a retrying client would.

export class HaPair {
  active: string;
  private readonly down = new Set<string>();
  /** When the standby will have taken over; set only while the active node is down. */
  resumeAt: number | undefined;

  constructor(readonly members: readonly [string, string]) {
    this.active = members[0];
  }

  standby(): string {
    return this.active === this.members[0] ? this.members[1] : this.members[0];
  }

  isDown(node: string): boolean {
    return this.down.has(node);
  }

  /** The node that handles work now, or undefined while a takeover is pending. */
  handler(): string | undefined {
    return this.down.has(this.active) ? undefined : this.active;
  }

  fail(node: string, takeoverAt: number): void {
    this.down.add(node);
    if (node === this.active) this.resumeAt = takeoverAt;
  }

  takeOver(): string {
    this.active = this.standby();
    this.resumeAt = undefined;
    return this.active;
  }

  recover(node: string): void {
    this.down.delete(node);
  }
}
