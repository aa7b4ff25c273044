// AudioWorklet for the room page: mixes the microphone to mono, downsamples to 16 kHz and posts s16le chunks
// (250 ms = 4000 samples by default) with their RMS level, for the numbered-chunk upload.
/* global sampleRate, registerProcessor, AudioWorkletProcessor */
class Pcm16Downsampler extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.targetRate = opts.targetRate || 16000;
    this.chunkSamples = opts.chunkSamples || 4000;
    // Input samples per output sample; 1 when the AudioContext already runs at 16 kHz (Chromium resamples for us).
    this.ratio = sampleRate / this.targetRate;
    this.chunk = new Int16Array(this.chunkSamples);
    this.filled = 0;
    this.sumSquares = 0;
    // Box-filter decimation: average the input samples that fall into each output sample's interval. Cheap, and
    // enough low-pass for speech recognition when the browser cannot open a 16 kHz context itself.
    this.acc = 0;
    this.count = 0;
    this.phase = 0;
    this.stopped = false;
    this.port.onmessage = (event) => {
      if (event.data === "flush") this.flush();
      if (event.data === "stop") {
        this.flush();
        this.stopped = true;
      }
    };
  }

  emit(value) {
    const v = value > 1 ? 1 : value < -1 ? -1 : value;
    this.chunk[this.filled++] = v < 0 ? v * 32768 : v * 32767;
    this.sumSquares += v * v;
    if (this.filled === this.chunkSamples) this.flush();
  }

  flush() {
    if (this.filled === 0) return;
    const pcm = this.chunk.slice(0, this.filled);
    const level = Math.sqrt(this.sumSquares / this.filled);
    this.port.postMessage({ pcm: pcm.buffer, level }, [pcm.buffer]);
    this.filled = 0;
    this.sumSquares = 0;
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    if (!input || input.length === 0 || !input[0]) return true;
    const frames = input[0].length;
    const channels = input.length;
    for (let i = 0; i < frames; i++) {
      let x = 0;
      for (let c = 0; c < channels; c++) x += input[c][i];
      x /= channels;
      if (this.ratio === 1) {
        this.emit(x);
        continue;
      }
      this.acc += x;
      this.count++;
      this.phase += 1;
      if (this.phase >= this.ratio) {
        this.phase -= this.ratio;
        this.emit(this.acc / this.count);
        this.acc = 0;
        this.count = 0;
      }
    }
    return true;
  }
}

registerProcessor("pcm16-downsampler", Pcm16Downsampler);
