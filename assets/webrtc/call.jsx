// The browser side of a consultation call: the project's only hand-written JavaScript.
//
// Wrapped as a Reflex component (odcp/components/video_call.py); the page's state decides
// everything (when to connect, which attempt, mute and camera flags) and this component only
// does what a browser must do itself: open the camera and microphone, show the local
// preview and a microphone level, play a test tone, run one RTCPeerConnection per attempt
// and report back through event triggers:
//   onDevices({camera, microphone, heard, error})  devices opened / voice heard / refused
//   onOffer(sdp, attempt)  an offer with every ICE candidate (aiortc has no trickle ICE)
//   onState(connectionState, attempt)  the peer connection's state
// The relay's answer comes back down as the answerSdp prop, tagged with its attempt.
import { useEffect, useRef, useState } from "react";

const GATHER_CAP_MS = 3000; // an offer goes out with what was gathered by then
const HEARD_LEVEL = 0.02; // a peak above this (1 = full scale) counts as a voice

function gathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    const check = () => pc.iceGatheringState === "complete" && done();
    const timer = setTimeout(done, GATHER_CAP_MS);
    pc.addEventListener("icegatheringstatechange", check);
  });
}

// Draw the microphone's peak level into a <meter>; report once when a voice is heard.
function watchLevel(stream, meter, onHeard) {
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048; // ~43 ms of sound per look
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const resume = () => context.state === "suspended" && context.resume();
  document.addEventListener("pointerdown", resume);
  resume();
  let heard = false;
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(samples);
    let peak = 0;
    for (const v of samples) peak = Math.max(peak, Math.abs(v - 128) / 128);
    if (meter.current) meter.current.value = Math.min(1, peak * 3);
    if (!heard && peak > HEARD_LEVEL) {
      heard = true;
      onHeard();
    }
  }, 100);
  return () => {
    clearInterval(timer);
    document.removeEventListener("pointerdown", resume);
    context.close();
  };
}

function playTone() {
  const context = new AudioContext();
  const tone = context.createOscillator();
  const gain = context.createGain();
  tone.frequency.value = 440;
  gain.gain.value = 0.2;
  tone.connect(gain).connect(context.destination);
  tone.start();
  tone.stop(context.currentTime + 1);
  tone.onended = () => context.close();
}

export function CallMedia({
  kinds = [], stage = "check", connect = false, attempt = 0, answerSdp = "",
  answerAttempt = -1, audioMuted = false, videoOff = false, iceServers = [], tone = 0,
  onDevices, onOffer, onState, className, id,
}) {
  const local = useRef(null);
  const remote = useRef(null);
  const meter = useRef(null);
  const stream = useRef(null);
  const pc = useRef(null);
  const report = useRef({});
  report.current = { onDevices, onOffer, onState };
  const [ready, setReady] = useState(false);
  const video = kinds.includes("video");
  const media = kinds.length > 0;

  useEffect(() => {
    if (!media) return undefined;
    let stopped = false;
    let unwatch = () => {};
    const tell = (d) => report.current.onDevices?.(d);
    navigator.mediaDevices.getUserMedia({ audio: true, video })
      .then((s) => {
        if (stopped) return s.getTracks().forEach((t) => t.stop());
        stream.current = s;
        if (local.current) local.current.srcObject = s;
        const found = { camera: s.getVideoTracks().length > 0,
                        microphone: s.getAudioTracks().length > 0, error: "" };
        unwatch = watchLevel(s, meter, () => tell({ ...found, heard: true }));
        tell({ ...found, heard: false });
        setReady(true);
      })
      .catch((e) => tell({ camera: false, microphone: false, heard: false,
                           error: `${e.name}: ${e.message}` }));
    return () => {
      stopped = true;
      unwatch();
      stream.current?.getTracks().forEach((t) => t.stop());
      stream.current = null;
      setReady(false);
    };
  }, [media, video]);

  useEffect(() => {
    if (!connect || !ready) return undefined;
    const conn = new RTCPeerConnection({ iceServers });
    pc.current = conn;
    const s = stream.current;
    for (const kind of kinds) {
      const track = s.getTracks().find((t) => t.kind === kind);
      conn.addTransceiver(track || kind, { direction: track ? "sendrecv" : "recvonly",
                                           streams: [s] });
    }
    const incoming = new MediaStream();
    conn.ontrack = (e) => {
      incoming.addTrack(e.track);
      if (remote.current) remote.current.srcObject = new MediaStream(incoming.getTracks());
    };
    conn.onconnectionstatechange = () =>
      report.current.onState?.(conn.connectionState, attempt);
    let closed = false;
    (async () => {
      await conn.setLocalDescription(await conn.createOffer());
      await gathered(conn);
      if (!closed) report.current.onOffer?.(conn.localDescription.sdp, attempt);
    })().catch(() => !closed && report.current.onState?.("failed", attempt));
    return () => {
      closed = true;
      conn.close();
      if (pc.current === conn) pc.current = null;
    };
  }, [connect, ready, attempt]);

  useEffect(() => {
    const conn = pc.current;
    if (!conn || !answerSdp || answerAttempt !== attempt) return;
    if (conn.signalingState !== "have-local-offer") return;
    conn.setRemoteDescription({ type: "answer", sdp: answerSdp })
      .catch(() => report.current.onState?.("failed", attempt));
  }, [answerSdp, answerAttempt, attempt]);

  useEffect(() => {
    stream.current?.getAudioTracks().forEach((t) => { t.enabled = !audioMuted; });
    stream.current?.getVideoTracks().forEach((t) => { t.enabled = !videoOff; });
  }, [audioMuted, videoOff, ready]);

  useEffect(() => { if (tone > 0) playTone(); }, [tone]);

  if (!media) return null;
  return (
    <div className={className} id={id} data-stage={stage}>
      {video
        ? <video ref={remote} className="remote-media" autoPlay playsInline
                 aria-label="The other side's video" />
        : <audio ref={remote} className="remote-media" autoPlay />}
      {video && <video ref={local} className="local-media" autoPlay playsInline muted
                       aria-label="Your camera" />}
      <meter ref={meter} className="mic-level" min="0" max="1" value="0"
             aria-label="Microphone level" />
    </div>
  );
}
