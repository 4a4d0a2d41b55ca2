// Decodes one camera frame at a time off the main thread, so the scanner page stays responsive.
import jsQR from 'jsqr';

export interface FrameMessage {
	width: number;
	height: number;
	/** RGBA pixels, transferred (not copied) from the page. */
	pixels: ArrayBuffer;
}

export interface DecodedMessage {
	text: string | null;
}

const scope = self as unknown as {
	onmessage: ((event: MessageEvent<FrameMessage>) => void) | null;
	postMessage(message: DecodedMessage): void;
};

function decode({ pixels, width, height }: FrameMessage): string | null {
	try {
		// Our cards are dark on light; skipping the inverted pass halves the work per frame.
		return (
			jsQR(new Uint8ClampedArray(pixels), width, height, { inversionAttempts: 'dontInvert' })?.data || null
		);
	} catch {
		return null;
	}
}

// Always answer, so the page never waits on a frame that failed.
scope.onmessage = ({ data }) => scope.postMessage({ text: decode(data) });
