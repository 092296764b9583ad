// The home page beside the notification feed (feed.js, on the left of every
// page, started and stopped here with the session): the spaces (spaces.js),
// the open space (space.js: its threads, and its page at #/spaces/<id>) and
// the open thread (thread.js); below the spaces the apps (appnav.js).

import { $ } from './dom.js';
import { session } from './api.js';
import { initFeed, startFeed, stopFeed, relabelFeed } from './feed.js';
import { loadSpaces, markSpace, clearSpaces } from './spaces.js';
import { showSpace, hideSpace, hideSpaceView, markThread, shownSpaceId } from './space.js';
import { initThread, showThread, clearThread, refreshThread, currentThreadId } from './thread.js';
import { forgetWorkspace } from './workspace.js';
import { loadAppNav, clearAppNav } from './appnav.js';
import { forgetApps } from './apps.js';

const state = { navSeq: 0, route: null };

async function openThread(r, seq) {
  const isCurrent = () => seq === state.navSeq;
  hideSpaceView();
  markThread(r.threadId);
  const data = await showThread(r.threadId, r.postId, isCurrent);
  if (!data || !isCurrent()) return;
  const spaceId = (data.space && data.space.id) ?? (data.thread && data.thread.space_id);
  if (spaceId == null) return;
  markSpace(spaceId);
  const threads = $('threads');
  if (String(shownSpaceId()) !== String(spaceId) || threads.dataset.spaceId !== String(spaceId)
      || threads.dataset.state !== 'loaded') {
    await showSpace(spaceId, { withView: false, isCurrent });
  }
  markThread(r.threadId);
}

export function initHome() {
  initFeed();
  initThread();
}

/** Start the feed, the stream and the spaces for the person just logged in. */
export function enterHome({ onLost, onEnrol }) {
  startFeed({
    onLost,
    onEnrol,
    onThreadNews: (threadId) => {
      if (currentThreadId() != null && threadId === String(currentThreadId())) refreshThread();
    },
    onSpaceNews: () => loadSpaces(),
  });
  loadSpaces();
  loadAppNav();
}

/** Forget everything shown (logout, session ended). */
export function leaveHome() {
  stopFeed();
  state.navSeq++;
  forgetWorkspace();
  clearSpaces();
  forgetApps();
  clearAppNav();
  hideSpace();
  clearThread();
}

/** Show the spaces / thread named by the route ({name, spaceId, threadId, postId}). */
export function showHome(r) {
  const seq = ++state.navSeq;
  state.route = r;
  if (r.name === 'thread') {
    openThread(r, seq);
    return;
  }
  clearThread();
  markThread(null);
  if (r.name === 'space') {
    $('thread-placeholder').hidden = true;
    markSpace(r.spaceId);
    showSpace(r.spaceId, { withView: true, isCurrent: () => seq === state.navSeq, force: true });
  } else {
    $('thread-placeholder').hidden = false;
    markSpace(null);
    hideSpace();
  }
}

/** Re-render what holds translated text after a language switch. */
export function relabelHome() {
  relabelFeed();
  if (session.user) {
    loadSpaces();
    loadAppNav();
  }
}
