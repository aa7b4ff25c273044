// Types for @ozymandiasthegreat/vad's build with the WebAssembly binary embedded (the same API as its main entry).
declare module "@ozymandiasthegreat/vad/lib/embedded.js" {
  export { default, VADMode, VADEvent, FRAME_SIZE } from "@ozymandiasthegreat/vad";
  export type { VAD } from "@ozymandiasthegreat/vad";
}
