// The part every engine stream shares: listeners, writes taken one at a time in order, and one end().
import type { EngineSegment, EngineStream } from "@/lib/pipeline/engines/types";

/** An engine stream whose writes run one after another (byte order is time order) and whose end() runs once. */
export abstract class SerialEngineStream<S extends EngineSegment = EngineSegment> implements EngineStream {
  protected segmentListeners: ((s: S) => void)[] = [];
  protected errorListeners: ((e: Error) => void)[] = [];
  /** Set by end(): later writes are refused. */
  protected ending = false;
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
    if (this.ending) return Promise.reject(new Error("The stream has ended."));
    const next = this.writeChain.then(() => this.writeNow(pcm));
    this.writeChain = next.catch(() => {});
    return next;
  }

  end(): Promise<void> {
    if (!this.endPromise) {
      this.ending = true;
      this.endPromise = this.writeChain.then(() => this.finish());
    }
    return this.endPromise;
  }

  /** Takes one piece of audio; called after the previous one has been taken. */
  protected abstract writeNow(pcm: Buffer): Promise<void>;
  /** Flushes, after every write; resolves once the last final segment has been delivered. */
  protected abstract finish(): Promise<void>;
}
