/* Dropin service worker. Rendered by the server: VERSION is a content hash of the shell,
   so any change to a precached file installs a new worker and a new cache.
   - install: precache the shell (and the capture pages when signed in), awaited;
   - activate: delete old shell caches; the outbox (IndexedDB) is never touched;
   - pages: network first, then the copy kept on the device, then the offline page;
   - static files: cache first;
   - /api/: always the network, never cached; photos: the network, or offline the copy a
     page asked to keep (the teacher's current step);
   - each person's pages and photos live in their own cache, "dropin-user-<id>" (the
     server names the person in X-Dropin-User on every page). When someone else uses the
     device, or nobody is signed in, every other person's cache is deleted: one person's
     pages and photos are never shown to another on a shared tablet.
   A new worker waits until no capture is in progress: the page tells it when to take over. */
"use strict";
const VERSION = {{ version|tojson }};
const SHELL_CACHE = "dropin-shell-" + VERSION;
const USER_CACHE_PREFIX = "dropin-user-"; /* + user id: that person's pages and photos */
const DEVICE_CACHE = "dropin-device"; /* who last used this device while online */
const DEVICE_USER = "/__dropin/device-user";
const SHELL = {{ shell|tojson }};
const PAGES = {{ pages|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const START_URL = {{ start_url|tojson }}; /* the installed app's first page, per person */
const HOME = "/__dropin/home"; /* in a person's cache: where START_URL took them */
/* The offline page as someone signed out sees it: for a device nobody is signed in on. */
const SIGNED_OUT_OFFLINE_URL = OFFLINE_URL + "?signed-out";

importScripts({% for url in worker_scripts %}{{ url|tojson }}{% if not loop.last %}, {% endif %}{% endfor %});
self.Dropin.sync.configure({
  baseDelayMs: {{ sync_settings.retry_base_ms|tojson }},
  requestTimeoutMs: {{ sync_settings.request_timeout_ms|tojson }},
  maxDelayMs: {{ sync_settings.max_delay_ms|tojson }},
});

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

async function precache() {
  const shell = await caches.open(SHELL_CACHE);
  // "no-cache": what the page just loaded is confirmed with the server (a 304, no body),
  // never downloaded again; anything changed comes new.
  await shell.addAll(SHELL.map((url) => new Request(url, { cache: "no-cache" })));
  // The signed-out copy is fetched anew: the HTTP cache may hold the signed-in one.
  const signedOut = await fetch(OFFLINE_URL, { credentials: "omit", cache: "reload" });
  if (signedOut.ok) await shell.put(SIGNED_OUT_OFFLINE_URL, signedOut);
  await Promise.all(PAGES.map((url) => keepJustLoadedPage(url).then((kept) => kept || keepPage(url))));
}

/** The page the person has just opened (the one installing this worker) is in the
    browser's HTTP cache: keep that copy instead of downloading it again. Only a copy
    made in the last minute counts; anything older is fetched anew by keepPage. */
async function keepJustLoadedPage(url) {
  const response = await fetch(url, { cache: "only-if-cached", mode: "same-origin", redirect: "manual" })
    .catch(() => null);
  const made = response ? Date.parse(response.headers.get("Date") || "") : NaN;
  if (!(Date.now() - made < 60000)) return null;
  const owner = pageOwner(response);
  if (owner) await keepPageOf(owner, url, response);
  return owner;
}

/* Each person's own cache ------------------------------------------------------------ */

async function deviceUser() {
  const answer = await caches.match(DEVICE_USER, { cacheName: DEVICE_CACHE }); // never creates it
  return answer ? answer.text() : "";
}

/** Someone is signed in: delete every other person's cache, then remember who it is.
    True when it is someone new to this device (or back after signing out). */
async function rememberDeviceUser(userId) {
  if ((await deviceUser()) === userId) return false;
  await forgetUsersOtherThan(userId);
  await (await caches.open(DEVICE_CACHE)).put(DEVICE_USER, new Response(userId));
  return true;
}

async function forgetUsersOtherThan(userId) {
  const keep = userId ? USER_CACHE_PREFIX + userId : null;
  const names = await caches.keys();
  await Promise.all(names
    .filter((name) => (name.startsWith(USER_CACHE_PREFIX) && name !== keep) || name === "dropin-pages")
    .map((name) => caches.delete(name)));
}

async function forgetEveryone() {
  await forgetUsersOtherThan("");
  await caches.delete(DEVICE_CACHE);
}

/** Who a page from our server was made for: an id, "" when signed out, null when the
    answer did not come from Dropin (a Wi-Fi sign-in page) or is not a page. */
function pageOwner(response) {
  const isPage = (response.headers.get("Content-Type") || "").startsWith("text/html");
  if (!response.ok || response.redirected || response.type !== "basic" || !isPage) return null;
  return response.headers.get("X-Dropin-User");
}

/** Put a page in its owner's cache; a signed-out page means nobody's pages stay. True
    when the owner is new to this device. */
async function keepPageOf(owner, url, response) {
  if (owner === null) return false;
  if (!owner) return forgetEveryone().then(() => false);
  const newPerson = await rememberDeviceUser(owner);
  await (await caches.open(USER_CACHE_PREFIX + owner)).put(url, response);
  return newPerson;
}

/** A page fresh from the server (null offline). Only a signed-in copy is worth keeping,
    and a redirect to the sign-in page is not one: redirects are not followed. */
function freshPage(url) {
  return fetch(url, { cache: "reload", redirect: "manual" }).catch(() => null);
}

/** Fetch a signed-in page now and keep it (precache, or a page asking to be kept). */
async function keepPage(url) {
  const response = await freshPage(url);
  const owner = response ? pageOwner(response) : null;
  if (owner) await keepPageOf(owner, url, response);
  return owner;
}

/** A page asks: keep me, my static files and these photos for reading offline; only
    these photos. (The precache carries the capture page's files only.) */
async function keepForOffline(pageUrl, photoUrls, fileUrls) {
  const owner = await keepPage(pageUrl);
  if (!owner) return;
  await keepStaticFiles(fileUrls);
  const cache = await caches.open(USER_CACHE_PREFIX + owner);
  const wanted = new Set(photoUrls);
  for (const request of await cache.keys()) {
    const isPhoto = new URL(request.url).pathname.startsWith("/photos/");
    if (isPhoto && !wanted.has(request.url)) await cache.delete(request);
  }
  for (const url of wanted) {
    if (await cache.match(url, { ignoreVary: true })) continue;
    const response = await fetch(url, { redirect: "manual" }).catch(() => null);
    const isImage = response && (response.headers.get("Content-Type") || "").startsWith("image/");
    if (isImage && response.ok && response.type === "basic") await cache.put(url, response);
  }
}

async function keepStaticFiles(urls) {
  const shell = await caches.open(SHELL_CACHE);
  for (const url of urls) {
    const sameSite = new URL(url).origin === self.location.origin;
    if (!sameSite || !new URL(url).pathname.startsWith("/static/")) continue;
    if (await shell.match(url, { ignoreVary: true })) continue;
    const response = await fetch(url).catch(() => null);  // the HTTP cache has it: just loaded
    if (response && response.ok && response.type === "basic") await shell.put(url, response);
  }
}

async function keptForDeviceUser(request, options) {
  const owner = await deviceUser();
  if (!owner) return null;
  const cache = await caches.open(USER_CACHE_PREFIX + owner);
  return (await cache.match(request, options)) || null;
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith("dropin-shell-") && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "activate-update") self.skipWaiting();
  if (event.data && event.data.type === "keep-for-offline") {
    event.waitUntil(keepForOffline(event.data.page, event.data.photos || [], event.data.files || [])
      .then(() => event.source && event.source.postMessage({ type: "kept-for-offline" })));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/photos/")) {
    event.respondWith(photoNetworkFirst(request));
  } else if (request.mode === "navigate" && url.pathname === START_URL) {
    event.respondWith(startPage(request, event));
  } else if (request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(request, event));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticCacheFirst(request));
  }
});

/** A sign-out made offline reaches the server before any page is asked for: until it
    has, every page is the signed-out offline page (the session cookie still works). */
async function pageNetworkFirst(request, event) {
  if (!(await self.Dropin.signOut.sendPending())) return offlinePage();
  try {
    const response = await fetch(request);
    const owner = pageOwner(response);
    if (owner !== null) {
      keepInBackground(event, keepPageOf(owner, request.url.split("#")[0], response.clone())
        .then((newPerson) => newPerson && keepOfflinePages(owner)));
    }
    return response;
  } catch (networkError) {
    const options = { ignoreVary: true };
    return (await keptForDeviceUser(request, options))
      || (await keptForDeviceUser(request, { ...options, ignoreSearch: true }))
      || (await offlinePage());
  }
}

/** Someone signing in (again) gets the capture pages kept at once, as at install (a
    sign-out deleted them, and the next drop-in may be out of Wi-Fi), and the offline page
    made for them. Each copy is kept only if it is still theirs and they are still the
    device's person when it arrives: someone else may have signed in meanwhile. */
function keepOfflinePages(owner) {
  const keepIfStillTheirs = async (url, cacheName) => {
    const response = await freshPage(url);
    if (!response || pageOwner(response) !== owner || (await deviceUser()) !== owner) return;
    await (await caches.open(cacheName)).put(url, response);
  };
  return Promise.all([
    ...PAGES.map((url) => keepIfStillTheirs(url, USER_CACHE_PREFIX + owner)),
    keepIfStillTheirs(OFFLINE_URL, SHELL_CACHE),
  ]);
}

/** Work that goes on after the page is answered. waitUntil is called after an await here,
    which is allowed while the answer is pending; a browser that refuses it still gets
    its page, and the work goes on as long as the worker lives. */
function keepInBackground(event, work) {
  try {
    event.waitUntil(work);
  } catch (refused) {
    work.catch(() => {});
  }
}

/** The installed app opens at START_URL, which the server sends on to each person's own
    first page. The worker follows it to learn (and remember) where, so that offline the
    app still opens there: a coach's new drop-in from a cold start. */
async function startPage(request, event) {
  if (!(await self.Dropin.signOut.sendPending())) return offlinePage();
  try {
    const response = await fetch(request.url, { credentials: "same-origin", cache: "no-store" });
    const owner = response.headers.get("X-Dropin-User");
    if (response.ok && response.type === "basic" && owner) {
      if (await rememberDeviceUser(owner)) keepInBackground(event, keepOfflinePages(owner));
      const home = new Response(new URL(response.url).pathname + new URL(response.url).search);
      await (await caches.open(USER_CACHE_PREFIX + owner)).put(HOME, home);
    }
    return Response.redirect(response.url, 302);
  } catch (networkError) {
    const home = await keptForDeviceUser(HOME);
    const page = home && (await keptForDeviceUser(new Request(await home.text()), { ignoreVary: true }));
    return page || offlinePage();
  }
}

/** The offline page for whoever uses the device: signed out when nobody is. */
async function offlinePage() {
  const signedIn = (await deviceUser()) && !(await self.Dropin.signOut.pending());
  return (signedIn && (await caches.match(OFFLINE_URL)))
    || (await caches.match(SIGNED_OUT_OFFLINE_URL))
    || Response.error();
}

/** Photos are never cached on their way through; offline, only what a page of the
    device's current person asked to keep is shown. */
async function photoNetworkFirst(request) {
  try {
    return await fetch(request);
  } catch (networkError) {
    return (await keptForDeviceUser(request, { ignoreVary: true })) || Response.error();
  }
}

async function staticCacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

/* Background Sync, where the browser has it: a bonus. The pages' own loop (on load,
   online, visibilitychange and a timer) is what delivers; Web Locks keep one sender. */
self.addEventListener("sync", (event) => {
  if (event.tag === "dropin-outbox") event.waitUntil(self.Dropin.sync.run({ force: true }));
});
