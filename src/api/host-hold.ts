// What a ref'd Node handle does for its event loop, for layer4 handles: while a socket or server is
// active and not unref()'d, it holds the host's network running (the virtual clock moves by itself;
// the real clock keeps the process alive). Shared by net.Socket and net.Server.

export class HostHold {
  #refed = true;
  #holding = false;

  constructor(private readonly host: { ref(): void; unref(): void }) {}

  /** The handle became active: hold the network, unless unref()'d. */
  hold(): void {
    if (this.#holding || !this.#refed) return;
    this.#holding = true;
    this.host.ref();
  }

  /** The handle is done (or unref()'d): stop holding. */
  release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.host.unref();
  }

  /** handle.ref(): hold again when the handle is still active. */
  ref(active: boolean): void {
    this.#refed = true;
    if (active) this.hold();
  }

  /** handle.unref() */
  unref(): void {
    this.#refed = false;
    this.release();
  }
}
