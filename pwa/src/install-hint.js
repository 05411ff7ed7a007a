// iPhones and iPads have no install prompt: Safari's Share menu has "Add to Home Screen",
// which also lets the app receive web push (iOS 16.4 and later). Say so once, where it
// helps, until the citizen dismisses it. Pure functions plus one storage key.

export const IOS_HINT_KEY = 'sd.iosHint';

export function isIos(userAgent = '', platform = '', maxTouchPoints = 0) {
  // iPadOS 13+ reports itself as a Mac; a Mac with a touch screen is an iPad.
  return /iPhone|iPad|iPod/.test(userAgent) || (platform === 'MacIntel' && maxTouchPoints > 1);
}

/** Show the hint: on iOS, in the browser (not already opened from the home screen), not dismissed. */
export function shouldShowIosHint({ userAgent, platform, maxTouchPoints, standalone, dismissed }) {
  return isIos(userAgent, platform, maxTouchPoints) && !standalone && !dismissed;
}

export function iosHintState(win = globalThis, storage = globalThis.localStorage) {
  let dismissed = false;
  try {
    dismissed = storage?.getItem(IOS_HINT_KEY) === 'dismissed';
  } catch {
    // storage blocked: show it; dismissing then lasts for this visit
  }
  const nav = win.navigator || {};
  const standalone = nav.standalone === true || Boolean(win.matchMedia?.('(display-mode: standalone)').matches);
  return shouldShowIosHint({ userAgent: nav.userAgent || '', platform: nav.platform || '', maxTouchPoints: nav.maxTouchPoints || 0, standalone, dismissed });
}

export function dismissIosHint(storage = globalThis.localStorage) {
  try {
    storage?.setItem(IOS_HINT_KEY, 'dismissed');
  } catch {
    // not remembered
  }
}
