// Reading a QR code from the camera: the browser's BarcodeDetector where it has one
// (Chromium on Android and ChromeOS), else jsQR, fetched only when a kiosk without it
// first opens the camera (it is not in any page's first download).

export function canUseCamera() {
  return Boolean(globalThis.navigator?.mediaDevices?.getUserMedia);
}

async function nativeDetector() {
  const Detector = globalThis.BarcodeDetector;
  if (typeof Detector !== 'function') return null;
  try {
    const formats = Detector.getSupportedFormats ? await Detector.getSupportedFormats() : ['qr_code'];
    if (!formats.includes('qr_code')) return null;
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video)).map((c) => c.rawValue);
  } catch {
    return null;
  }
}

async function libraryDetector() {
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return [];
    // A 640 px wide frame is plenty for a phone screen held up to the kiosk.
    const scale = Math.min(1, 640 / width);
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
    return found ? [found.data] : [];
  };
}

/** detect(video) -> the texts of the QR codes in the frame; the native one when it exists. */
export async function makeDetector() {
  return (await nativeDetector()) || libraryDetector();
}
