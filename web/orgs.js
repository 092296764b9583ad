// The tenant's organisations, read once and shared by the pages that list or
// choose them; and the photos of people.

import { API, api } from './api.js';
import { h, listOf, enc } from './dom.js';

let cache = null;

/** [{id, name, kind}] of the tenant, sorted by name. */
export async function getOrganisations(force = false) {
  if (!cache || force) {
    cache = (async () => {
      const data = await api('GET', '/organisations?limit=200');
      return [...listOf(data, 'organisations')]
        .sort((a, b) => String(a.name).localeCompare(String(b.name), 'ja'));
    })();
    cache.catch(() => { cache = null; });
  }
  return cache;
}

export function forgetOrganisations() { cache = null; }

/** <option>s for the organisations, optionally after a first "all" entry. */
export function orgOptions(orgs, first) {
  const opts = orgs.map((o) => h('option', { value: o.id }, o.name || ''));
  return first ? [h('option', { value: '' }, first), ...opts] : opts;
}

// Bumped when the person changes their own photo, so browsers fetch it anew.
let photoVersion = Date.now();
export function photoChanged() { photoVersion = Date.now(); }

/** The photo of a person, or a placeholder with their initial. */
export function photoEl(person, cls = 'avatar') {
  if (person && person.has_photo && person.id) {
    // The directory names a versioned address; otherwise ask for the latest.
    const given = typeof person.photo_url === 'string' && person.photo_url.startsWith(`${API}/people/`);
    return h('img', {
      class: cls,
      src: given ? person.photo_url : `${API}/people/${enc(person.id)}/photo?v=${photoVersion}`,
      alt: '',
      loading: 'lazy',
      testid: 'person-photo',
    });
  }
  const initial = String((person && person.name) || '?').trim().charAt(0) || '?';
  return h('span', { class: `${cls} avatar-empty`, 'aria-hidden': 'true' }, initial);
}
