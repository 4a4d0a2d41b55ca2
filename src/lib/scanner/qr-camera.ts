// Reads QR codes from the device camera for the staff scanner. Frames are cropped to the centre
// square, scaled down and decoded by jsQR in our own module worker: the CSP (`worker-src 'self'`)
// refuses the blob: workers that scanner libraries such as qr-scanner create.
import type { DecodedMessage, FrameMessage } from './qr-decoder.worker';

export type CameraProblem = 'insecure' | 'unsupported' | 'denied' | 'no-camera' | 'busy' | 'failed';

export class CameraError extends Error {
	constructor(readonly problem: CameraProblem) {
		super(`camera: ${problem}`);
	}
}

export interface QrCamera {
	/** Stops reporting codes (the picture keeps running). */
	pause(): void;
	resume(): void;
	/** Releases the camera and the worker. */
	stop(): void;
}

/** About 7 frames a second: quick enough to feel instant, light on a phone's battery. */
const SCAN_INTERVAL_MS = 140;
/** jsQR reads a phone-screen QR well at this size and takes a few milliseconds per frame. */
const MAX_FRAME_SIDE = 640;

function problemOf(error: unknown): CameraProblem {
	const name = error instanceof DOMException || error instanceof Error ? error.name : '';
	if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError')
		return 'denied';
	if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
		return 'no-camera';
	}
	if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
	return 'failed';
}

/**
 * Starts the back camera in `video` and calls `onCode` with each QR code's text while not paused.
 * Throws a CameraError when the camera cannot start; `onProblem` reports failures after that.
 */
export async function startQrCamera(
	video: HTMLVideoElement,
	onCode: (text: string) => void,
	onProblem: (problem: CameraProblem) => void
): Promise<QrCamera> {
	if (!window.isSecureContext) throw new CameraError('insecure');
	if (!navigator.mediaDevices?.getUserMedia || typeof Worker === 'undefined')
		throw new CameraError('unsupported');

	let stream: MediaStream;
	try {
		stream = await navigator.mediaDevices.getUserMedia({
			audio: false,
			video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } }
		});
	} catch (error) {
		throw new CameraError(problemOf(error));
	}

	let paused = false;
	let stopped = false;
	let busy = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const worker = new Worker(new URL('./qr-decoder.worker.ts', import.meta.url), { type: 'module' });
	const canvas = document.createElement('canvas');
	const context = canvas.getContext('2d', { willReadFrequently: true });

	const stop = () => {
		if (stopped) return;
		stopped = true;
		clearTimeout(timer);
		worker.terminate();
		for (const track of stream.getTracks()) track.stop();
		video.srcObject = null;
	};
	const fail = (problem: CameraProblem) => {
		if (stopped) return;
		stop();
		onProblem(problem);
	};

	worker.onerror = () => fail('unsupported');
	worker.onmessage = ({ data }: MessageEvent<DecodedMessage>) => {
		busy = false;
		if (data.text && !paused && !stopped) onCode(data.text);
	};
	for (const track of stream.getVideoTracks()) track.addEventListener('ended', () => fail('failed'));

	const scanFrame = () => {
		timer = setTimeout(scanFrame, SCAN_INTERVAL_MS);
		if (paused || stopped || busy || document.hidden || !context) return;
		const { videoWidth: width, videoHeight: height } = video;
		if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !width || !height) return;
		const side = Math.min(width, height);
		const size = Math.min(side, MAX_FRAME_SIDE);
		if (canvas.width !== size) canvas.width = canvas.height = size;
		context.drawImage(video, (width - side) / 2, (height - side) / 2, side, side, 0, 0, size, size);
		const frame = context.getImageData(0, 0, size, size);
		busy = true;
		const message: FrameMessage = { width: size, height: size, pixels: frame.data.buffer };
		worker.postMessage(message, [frame.data.buffer]);
	};

	video.muted = true;
	video.playsInline = true;
	video.srcObject = stream;
	try {
		await video.play();
	} catch (error) {
		stop();
		throw new CameraError(problemOf(error));
	}
	scanFrame();

	return {
		pause: () => {
			paused = true;
		},
		resume: () => {
			paused = false;
		},
		stop
	};
}
