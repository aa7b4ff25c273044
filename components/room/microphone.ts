// Microphone capture for the room page: getUserMedia + an AudioWorklet that yields 250 ms chunks of 16 kHz mono s16le.

export type MicrophoneProblem = "denied" | "no-device" | "unsupported" | "failed";

export class MicrophoneError extends Error {
  constructor(
    readonly problem: MicrophoneProblem,
    message: string,
  ) {
    super(message);
    this.name = "MicrophoneError";
  }
}

export type Microphone = { stop(): void };

export const CHUNK_SAMPLES = 4000; // 250 ms at 16 kHz, the contract's convention

/** Opens the microphone; `onChunk` receives each 250 ms chunk (s16le bytes) and its RMS level (0..1). */
export async function startMicrophone(onChunk: (pcm: Uint8Array, level: number) => void): Promise<Microphone> {
  if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === "undefined") {
    throw new MicrophoneError("unsupported", "This browser cannot capture the microphone here. Use a current browser over HTTPS (or localhost).");
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (error) {
    const name = (error as DOMException).name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      throw new MicrophoneError("denied", "Microphone access was blocked. Allow the microphone for this site in the browser's address bar, then try again.");
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      throw new MicrophoneError("no-device", "No microphone was found. Connect one, then try again.");
    }
    if (name === "NotReadableError") {
      throw new MicrophoneError("failed", "The microphone is in use by another application or could not be started.");
    }
    throw new MicrophoneError("failed", `The microphone could not be opened (${name || (error as Error).message}).`);
  }

  let context: AudioContext;
  let source: MediaStreamAudioSourceNode;
  try {
    // A 16 kHz context lets the browser do high-quality resampling; some browsers refuse to connect a
    // microphone to a context of another rate, and then the worklet downsamples from the device rate.
    context = new AudioContext({ sampleRate: 16000 });
    source = context.createMediaStreamSource(stream);
  } catch {
    context = new AudioContext();
    source = context.createMediaStreamSource(stream);
  }
  try {
    await context.audioWorklet.addModule("/audio-worklet-pcm16.js");
  } catch (error) {
    stream.getTracks().forEach((t) => t.stop());
    void context.close();
    throw new MicrophoneError("unsupported", `Audio processing could not start (${(error as Error).message}).`);
  }
  const node = new AudioWorkletNode(context, "pcm16-downsampler", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { targetRate: 16000, chunkSamples: CHUNK_SAMPLES },
  });
  node.port.onmessage = (event: MessageEvent<{ pcm: ArrayBuffer; level: number }>) => onChunk(new Uint8Array(event.data.pcm), event.data.level);
  source.connect(node);
  // The node writes silence; being connected to the destination keeps the graph pulling it in every browser.
  node.connect(context.destination);
  await context.resume();

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      node.port.postMessage("stop");
      source.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      // Give the worklet a moment to post its last partial chunk before the context goes.
      setTimeout(() => void context.close(), 100);
    },
  };
}
