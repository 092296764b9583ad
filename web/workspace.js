// What several workspace views share: a space's details and its members,
// read once per space and kept briefly.

import { api } from './api.js';
import { enc } from './dom.js';

const KEEP_MS = 60_000;
const spaces = new Map();   // id -> {at, promise}
const members = new Map();  // id -> {at, promise}

function cached(map, id, load) {
  const key = String(id);
  const hit = map.get(key);
  if (hit && Date.now() - hit.at < KEEP_MS) return hit.promise;
  const promise = load();
  map.set(key, { at: Date.now(), promise });
  promise.catch(() => map.delete(key));
  return promise;
}

/** GET /spaces/{id}: {space, threads}. */
export function getSpace(id, force = false) {
  if (force) spaces.delete(String(id));
  return cached(spaces, id, () => api('GET', `/spaces/${enc(id)}`));
}

/** Remember a fresh answer of GET /spaces/{id} (or drop it). */
export function putSpace(id, data) {
  if (data) spaces.set(String(id), { at: Date.now(), promise: Promise.resolve(data) });
  else spaces.delete(String(id));
}

/** The active people who may see the space. */
export function getMembers(id) {
  return cached(members, id, async () => (await api('GET', `/spaces/${enc(id)}/members`)).members || []);
}

/** Whether the space is restricted to listed professions or organisations. */
export function isRestricted(space) {
  const v = (space && space.visibility) || {};
  return (v.professions || []).length > 0 || (v.organisations || []).length > 0;
}

export function forgetWorkspace() {
  spaces.clear();
  members.clear();
}
