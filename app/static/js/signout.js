/* Signing out on a shared phone, also offline. Offline (or with the server out of reach)
   the person is forgotten at once by the page (their kept pages deleted) and the sign-out
   is remembered here; it is sent before anything else as soon as the server answers: by
   the sync loop, by the service worker before any page, and by any open page of Dropin
   (on load, when back online, and every 30 s while it waits). Their unsent captures stay
   in the outbox, tied to them, and go when they sign in again.
   Works in pages and in the service worker: Cache Storage is shared by both. */
(function (scope) {
  "use strict";
  const CACHE = "dropin-signout";
  const KEY = "/__dropin/pending-sign-out";
  const SESSION_URL = "/capture/session";
  const SIGN_OUT_URL = "/logout";
  const RETRY_MS = 30000;
  let sending = null;

  async function pending() {
    const answer = await scope.caches.match(KEY, { cacheName: CACHE });
    return answer ? answer.json() : null;
  }

  /** The person signed out while the server could not hear it: remember to tell it. */
  async function remember(userId) {
    const record = JSON.stringify({ userId: String(userId || ""), at: new Date().toISOString() });
    const cache = await scope.caches.open(CACHE);
    await cache.put(KEY, new Response(record, { headers: { "Content-Type": "application/json" } }));
  }

  async function forget() {
    await scope.caches.delete(CACHE);
  }

  async function request(url, options) {
    return scope.fetch(url, Object.assign({
      credentials: "same-origin", cache: "no-store", redirect: "manual",
    }, options));
  }

  /** The server ends the session: POST the sign-out with a fresh token. True once it is
      done (or nothing was waiting); false while the server cannot be reached. */
  async function send() {
    const record = await pending();
    if (!record) return true;
    try {
      const session = await request(SESSION_URL, { headers: { Accept: "application/json" } });
      if (session.status === 401) return forget().then(() => true); // no session left
      const isJson = (session.headers.get("Content-Type") || "").includes("application/json");
      const body = session.ok && isJson ? await session.json() : null;
      if (!body || !body.csrf_token) return false;
      // Someone else has signed in since: their session is not the one to end.
      if (record.userId && String(body.user_id) !== record.userId) return forget().then(() => true);
      const answer = await request(SIGN_OUT_URL, { method: "POST", headers: { "X-CSRFToken": body.csrf_token } });
      if (answer.type !== "opaqueredirect" && !answer.ok) return false;
      await forget();
      return true;
    } catch (unreachable) {
      return false;
    }
  }

  /** One sending at a time in this page or worker. */
  function sendPending() {
    sending = sending || send().finally(() => {
      sending = null;
    });
    return sending;
  }

  /** In a page: keep trying while a sign-out waits. */
  function start() {
    const attempt = async () => {
      if (!(await pending())) return;
      if (!(await sendPending())) setTimeout(attempt, RETRY_MS);
    };
    scope.addEventListener("online", attempt);
    attempt();
  }

  scope.Dropin = scope.Dropin || {};
  scope.Dropin.signOut = { pending, remember, sendPending };
  if (scope.document && scope.caches) start();
})(self);
