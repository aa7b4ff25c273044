// The part every engine stream shares: listeners, writes taken one at a time in order, and one end().
import type { EngineSegment, EngineStream } from "@/lib/speech/types";

/** An engine stream whose writes run one after another (byte order is time order) and whose end() runs once. */
export abstract class SerialEngineStream<S extends EngineSegment = EngineSegment> implements EngineStream {
  protected segmentListeners: ((s: S) => void)[] = [];
  protected errorListeners: ((e: Error) => void)[] = [];
  /** Set by end() and abort(): later writes are refused. */
  protected ending = false;
  /** Set by abort(): nothing more is delivered, and the process, socket or request behind the stream is released. */
  protected aborted = false;
  private writeChain: Promise<void> = Promise.resolve();
  private endPromise: Promise<void> | undefined;

  onSegment(cb: (s: S) => void): void {
    this.segmentListeners.push(cb);
  }

  onError(cb: (e: Error) => void): void {
    this.errorListeners.push(cb);
  }

  write(pcm: Buffer): Promise<void> {
    if (pcm.length % 2 !== 0) return Promise.reject(new Error("PCM must have an even number of bytes."));
    if (this.aborted) return Promise.reject(new Error("The stream was aborted."));
    if (this.ending) return Promise.reject(new Error("The stream has ended."));
    const next = this.writeChain.then(() => this.writeNow(pcm));
    this.writeChain = next.catch(() => {});
    return next;
  }

  end(): Promise<void> {
    if (this.aborted) return this.endPromise ?? Promise.resolve();
    if (!this.endPromise) {
      this.ending = true;
      this.endPromise = this.writeChain.then(() => this.finish());
    }
    return this.endPromise;
  }

  /** Stops at once without flushing, as a crash would: see EngineStream.abort(). Idempotent. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.ending = true;
    this.segmentListeners = [];
    this.errorListeners = [];
    this.release();
  }

  /** Releases what is behind the stream (a process, a socket, a request) at once, without flushing. */
  protected abstract release(): void;
  /** Takes one piece of audio; called after the previous one has been taken. */
  protected abstract writeNow(pcm: Buffer): Promise<void>;
  /** Flushes, after every write; resolves once the last final segment has been delivered. */
  protected abstract finish(): Promise<void>;
}
