/* Dropin service worker. Rendered by the server: VERSION is a content hash of the shell,
   so any change to a precached file installs a new worker and a new cache.
   - install: precache the shell (and the capture pages when signed in), awaited;
   - activate: delete old shell caches; the outbox (IndexedDB) is never touched;
   - pages: network first, then the copy kept on the device, then the offline page;
   - static files: cache first;
   - /api/ and photos: always the network, never cached.
   A new worker waits until no capture is in progress: the page tells it when to take over. */
"use strict";
const VERSION = {{ version|tojson }};
const SHELL_CACHE = "dropin-shell-" + VERSION;
const PAGES_CACHE = "dropin-pages"; /* signed-in pages; emptied at sign-out */
const SHELL = {{ shell|tojson }};
const PAGES = {{ pages|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};

importScripts({% for url in worker_scripts %}{{ url|tojson }}{% if not loop.last %}, {% endif %}{% endfor %});

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

async function precache() {
  const shell = await caches.open(SHELL_CACHE);
  await shell.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
  const pages = await caches.open(PAGES_CACHE);
  await Promise.all(PAGES.map(async (url) => {
    // Only a signed-in copy is worth keeping: a redirect to the sign-in page is not.
    const response = await fetch(url, { cache: "reload", redirect: "manual" }).catch(() => null);
    if (response && response.ok && response.type === "basic") await pages.put(url, response);
  }));
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
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/photos/")) return;
  if (request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticCacheFirst(request));
  }
});

async function pageNetworkFirst(request) {
  try {
    const response = await fetch(request);
    const isPage = (response.headers.get("Content-Type") || "").startsWith("text/html");
    if (response.ok && !response.redirected && isPage) {
      const copy = response.clone();
      caches.open(PAGES_CACHE).then((cache) => cache.put(request.url.split("#")[0], copy));
    }
    return response;
  } catch (networkError) {
    const options = { ignoreVary: true };
    return (await caches.match(request, options))
      || (await caches.match(request, { ...options, ignoreSearch: true }))
      || (await caches.match(OFFLINE_URL))
      || Response.error();
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
