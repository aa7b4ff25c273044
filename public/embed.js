/*
 * <verbatim-room>: a Verbatim room in your own page. Load this script from your Verbatim server and add the element:
 *
 *   <script src="https://verbatim.example.com/embed.js" async></script>
 *   <verbatim-room room-url="https://verbatim.example.com/r/sales-…" display-name="Ana" theme="auto"></verbatim-room>
 *
 * Attributes: room-url (a room or host link), display-name, hide-transcript, theme (light, dark, auto), lang.
 * Methods (promises): join(), leave(), startTranscription(), stopTranscription(), pauseTranscription(),
 * resumeTranscription(); a refusal rejects with an Error
 * whose `code` and message say why. Events (CustomEvent, data in `detail`): ready, joined, left,
 * transcription-started, transcription-stopped, transcription-paused, transcription-resumed, segment, transcript-ready, error.
 * Messages go only to, and are taken only from, the Verbatim origin of room-url and this element's own frame; the
 * room page answers only pages whose origin its account lists (Configure → Transcription → Embedding).
 */
(() => {
  "use strict";
  if (typeof window === "undefined" || !window.customElements || window.customElements.get("verbatim-room")) return;

  const PROTOCOL = { fromPage: "verbatim-room", fromElement: "verbatim-embed", version: 1 };
  // After the frame loads, the room page says "ready" within moments; silence means the frame was refused (an origin
  // the account does not list) or the link is not a Verbatim room.
  const READY_AFTER_LOAD_MS = 15000;
  const READY_AT_ALL_MS = 60000;
  const ATTRIBUTES = ["room-url", "display-name", "hide-transcript", "theme", "lang"];

  class VerbatimRoomError extends Error {
    constructor(code, message) {
      super(message);
      this.name = "VerbatimRoomError";
      this.code = code;
    }
  }

  class VerbatimRoom extends HTMLElement {
    static get observedAttributes() {
      return ATTRIBUTES;
    }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: "open" });
      this._frame = null;
      this._origin = null;
      this._ready = false;
      this._failure = null;
      this._waiting = [];
      this._calls = new Map();
      this._nextId = 1;
      this._timers = [];
      this._connected = false;
      this._onMessage = this._onMessage.bind(this);
    }

    connectedCallback() {
      this._connected = true;
      window.addEventListener("message", this._onMessage);
      this._render();
    }

    disconnectedCallback() {
      this._connected = false;
      window.removeEventListener("message", this._onMessage);
      this._reset(new VerbatimRoomError("removed", "The <verbatim-room> element was removed from the page"));
      this._root.replaceChildren();
    }

    attributeChangedCallback(name, before, after) {
      // A new room, name, theme or language loads the room again (whoever had joined leaves with the old frame).
      // Before connectedCallback (an element upgraded with its attributes already set) there is nothing to reload yet.
      if (before !== after && this._connected) this._render();
    }

    /** Joins with display-name (or the name typed in the room); resolves with { participantId, role, displayName }. */
    join() {
      return this._call("join");
    }
    /** Leaves the room; what was said stays in the transcript. */
    leave() {
      return this._call("leave");
    }
    /** The host, in a room with the manual trigger: starts the transcription; resolves with { transcription }. */
    startTranscription() {
      return this._call("startTranscription");
    }
    /** The host, in a room with the manual trigger: stops it; the transcript is then saved (see transcript-ready). */
    stopTranscription() {
      return this._call("stopTranscription");
    }
    /** The host, under any trigger: off the record (nothing said is transcribed until resume; the transcript shows a gap). */
    pauseTranscription() {
      return this._call("pauseTranscription");
    }
    /** The host: back on the record. */
    resumeTranscription() {
      return this._call("resumeTranscription");
    }

    get ready() {
      return this._ready;
    }

    _render() {
      this._reset(new VerbatimRoomError("reloaded", "The room was loaded again (an attribute changed)"));
      this._root.replaceChildren();
      const style = document.createElement("style");
      style.textContent =
        ":host{display:block;min-height:420px;position:relative}" +
        "iframe{display:block;width:100%;height:100%;min-height:inherit;border:0;color-scheme:normal}" +
        "p{font:14px/1.5 system-ui,sans-serif;margin:0;padding:16px;color:#991b1b;background:#fef2f2;border:1px solid #fecaca;border-radius:8px}";
      this._root.append(style);

      let url;
      try {
        url = new URL(this.getAttribute("room-url") || "", document.baseURI);
        if (!/^https?:$/.test(url.protocol) || !/^\/r\/[a-z0-9-]+\/?$/.test(url.pathname)) throw new Error("not a room link");
      } catch {
        this._fail("bad_room_url", "Set room-url to a Verbatim room link (https://…/r/<room>) or host link.");
        return;
      }
      this._origin = url.origin;
      const q = url.searchParams;
      q.set("embed", "1");
      q.set("origin", window.location.origin);
      const theme = this.getAttribute("theme");
      q.set("theme", theme === "light" || theme === "dark" ? theme : "auto");
      const lang = this.getAttribute("lang");
      if (lang) q.set("lang", lang);
      const name = this.getAttribute("display-name");
      if (name) q.set("name", name);
      const hide = this.getAttribute("hide-transcript");
      if (hide !== null && hide !== "false") q.set("hideTranscript", "1");

      const frame = document.createElement("iframe");
      frame.title = "Verbatim room";
      frame.allow = "microphone";
      frame.referrerPolicy = "origin";
      frame.addEventListener("load", () => {
        if (frame === this._frame && !this._ready) this._timers.push(setTimeout(() => this._notReady(frame), READY_AFTER_LOAD_MS));
      });
      this._timers.push(setTimeout(() => this._notReady(frame), READY_AT_ALL_MS));
      frame.src = url.toString();
      this._frame = frame;
      this._root.append(frame);
    }

    _notReady(frame) {
      if (frame !== this._frame || this._ready || this._failure) return;
      this._fail(
        "frame_blocked",
        `Check that ${window.location.origin} is listed in Verbatim under Configure → Transcription → Sites allowed to embed rooms, and that room-url is a current room link.`,
      );
    }

    _fail(code, message) {
      this._failure = new VerbatimRoomError(code, message);
      // Instead of the browser's broken-frame picture, a sentence people can act on (the error event has the details).
      if (this._frame) this._frame.remove();
      const note = document.createElement("p");
      note.setAttribute("role", "alert");
      note.textContent = "The Verbatim room could not be shown here. " + message;
      this._root.append(note);
      for (const w of this._waiting.splice(0)) w.reject(this._failure);
      this._emit("error", { code, message });
    }

    _reset(reason) {
      for (const t of this._timers.splice(0)) clearTimeout(t);
      for (const w of this._waiting.splice(0)) w.reject(reason);
      for (const call of this._calls.values()) call.reject(reason);
      this._calls.clear();
      this._frame = null;
      this._origin = null;
      this._ready = false;
      this._failure = null;
    }

    _emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }

    _whenReady() {
      if (this._failure) return Promise.reject(this._failure);
      if (this._ready) return Promise.resolve();
      return new Promise((resolve, reject) => this._waiting.push({ resolve, reject }));
    }

    async _call(method) {
      await this._whenReady();
      const frame = this._frame;
      if (!frame || !frame.contentWindow) throw new VerbatimRoomError("not_loaded", "The room is not loaded");
      const id = this._nextId++;
      return new Promise((resolve, reject) => {
        this._calls.set(id, { resolve, reject });
        frame.contentWindow.postMessage({ source: PROTOCOL.fromElement, version: PROTOCOL.version, kind: "call", id, method }, this._origin);
      });
    }

    _onMessage(event) {
      // Only this element's own frame, from the Verbatim origin of room-url, speaking this protocol.
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== this._origin) return;
      const m = event.data;
      if (!m || typeof m !== "object" || m.source !== PROTOCOL.fromPage || m.version !== PROTOCOL.version) return;
      if (m.kind === "result") {
        const call = this._calls.get(m.id);
        if (!call) return;
        this._calls.delete(m.id);
        if (m.ok) call.resolve(m.value);
        else call.reject(new VerbatimRoomError((m.error && m.error.code) || "failed", (m.error && m.error.message) || "The room refused"));
        return;
      }
      if (m.kind !== "event" || typeof m.event !== "string") return;
      if (m.event === "error" && !this._ready && !this._failure) {
        // The room answered but cannot be joined (ended, locked): calls reject with its reason, not a time-out.
        this._failure = new VerbatimRoomError((m.detail && m.detail.code) || "failed", (m.detail && m.detail.message) || "The room cannot be joined");
        for (const t of this._timers.splice(0)) clearTimeout(t);
        for (const w of this._waiting.splice(0)) w.reject(this._failure);
      }
      if (m.event === "ready") {
        this._ready = true;
        for (const t of this._timers.splice(0)) clearTimeout(t);
        for (const w of this._waiting.splice(0)) w.resolve();
      }
      this._emit(m.event, m.detail);
    }
  }

  window.customElements.define("verbatim-room", VerbatimRoom);
  window.VerbatimRoomError = VerbatimRoomError;
})();
