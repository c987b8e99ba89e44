/* The sync loop: sends outbox items to the server, one sender across tabs (Web Locks).
   An item leaves the outbox only when the server has confirmed the visit AND every photo
   with a 2xx JSON answer naming them. A redirect, an HTML page (a Wi-Fi sign-in page) or
   a body without the id is a failure, never a success.
     network error, 5xx, 408, 429, odd answer -> retry later (backoff with jitter, <= 60 s)
     a CSRF token of another session           -> a fresh token, and again at once
     401                                       -> "needs-sign-in", sent after the SAME user signs in
     other 4xx                                 -> "needs-attention" with the server's reason
   While anything waits, the phone checks at least every 30 to 60 s: a server that comes
   back without an `online` event (the Wi-Fi was up all along) is noticed. An unreachable
   server is not a failed attempt of each item: one check for all of them backs off.
   An item left "sending" by a sender that died (a reload, a closed browser, a killed
   service worker) goes again as soon as this sender holds the lock.
   Works in pages and in the service worker (Background Sync). */
(function (scope) {
  "use strict";
  const outbox = scope.Dropin.outbox;
  const { Failure, send, confirmed, currentSession, jsonHeaders } = scope.Dropin.answers;
  const settings = { baseDelayMs: 5000, requestTimeoutMs: 60000, maxDelayMs: 60000 };
  let timer = null;
  let running = false;
  /* The server could not be reached for a session check: when to check again. */
  const unreachable = { failures: 0, checkAgainAt: 0 };


  /** Exponential backoff with jitter: about base, 2 x base, 4 x base ..., at most
      maxDelayMs (60 s: from then on every 30 to 60 s). */
  function backoffDelay(attempts, baseDelayMs) {
    const base = baseDelayMs || settings.baseDelayMs;
    const ceiling = Math.min(settings.maxDelayMs, base * Math.pow(2, Math.min(attempts - 1, 30)));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }


  async function sendVisit(item, token) {
    const visitUrl = "/api/v1/visits/" + item.id;
    const payload = Object.assign({}, item.payload, { photo_ids: item.photos.map((p) => p.id) });
    const body = JSON.stringify(payload);
    await confirmed(await send("PUT", visitUrl, { body: body, headers: jsonHeaders(token) }), [item.id]);
    for (const photo of item.photos) {
      if (photo.sent) continue;
      const stored = await outbox.photo(photo.id);
      if (!stored) throw new Failure("refused", "A photo of this capture is missing on this phone.");
      const headers = {
        "Content-Type": photo.type, Accept: "application/json", "X-CSRFToken": token,
        "X-Photo-Caption": encodeURIComponent(photo.caption || ""),
      };
      const url = visitUrl + "/photos/" + photo.id;
      await confirmed(await send("PUT", url, { body: stored.bytes, headers: headers }), [photo.id, item.id]);
      await outbox.markPhotoSent(item.id, photo.id);
    }
  }

  async function sendStepUpdate(item, token) {
    const visitId = item.payload.visit_id;
    const url = "/api/v1/visits/" + visitId + "/action-step";
    const body = JSON.stringify(item.payload.changes);
    await confirmed(await send("PATCH", url, { body: body, headers: jsonHeaders(token) }), [visitId]);
  }

  /** A comment on a step; its id, made on the device, keeps a resend to one comment. */
  async function sendComment(item, token) {
    const comment = item.payload;
    const url = "/api/v1/steps/" + comment.step_id + "/comments/" + comment.comment_id;
    const body = JSON.stringify({ body: comment.body, created_at: comment.created_at });
    await confirmed(await send("PUT", url, { body: body, headers: jsonHeaders(token) }), [comment.comment_id]);
  }

  /** One entry of a step's practice log; its id, made on the device, keeps a resend to one. */
  async function sendPractice(item, token) {
    const entry = item.payload;
    const url = "/api/v1/steps/" + entry.step_id + "/practice/" + entry.entry_id;
    const body = JSON.stringify({
      kind: entry.kind, practised_on: entry.practised_on, note: entry.note, created_at: entry.created_at,
    });
    await confirmed(await send("PUT", url, { body: body, headers: jsonHeaders(token) }), [entry.entry_id]);
  }

  const senders = {
    visit: sendVisit, "step-update": sendStepUpdate, comment: sendComment, practice: sendPractice,
  };

  /** Called while holding the lock: an item still "sending" lost its sender. */
  function isDue(item, force) {
    if (item.state === "needs-sign-in" || item.state === "sending") return true;
    return item.state === "pending" && (force || item.nextAttemptAt <= Date.now());
  }

  function failed(item, failure) {
    const attempts = item.attempts + 1;
    if (failure.outcome === "refused") {
      return { state: "needs-attention", attempts: attempts, lastError: failure.message };
    }
    if (failure.outcome === "signed-out") {
      return { state: "needs-sign-in", lastError: failure.message };
    }
    return {
      state: "pending", attempts: attempts, lastError: failure.message || "Could not send yet.",
      nextAttemptAt: Date.now() + backoffDelay(attempts),
    };
  }

  /** The session check failed: sign-in is each item's business; an unreachable server
      is one failure for all (no item's attempts grow), checked again after a backoff. */
  async function sessionFailed(items, failure) {
    if (failure.outcome === "signed-out") {
      for (const item of items) await outbox.update(item.id, failed(item, failure));
      return;
    }
    unreachable.failures += 1;
    unreachable.checkAgainAt = Date.now() + backoffDelay(unreachable.failures);
    for (const item of items) {
      if (item.state === "sending" || item.lastError !== failure.message) {
        await outbox.update(item.id, { state: item.state === "sending" ? "pending" : item.state, lastError: failure.message });
      }
    }
  }

  /** Send one item; a token from another session is replaced once, and sent again at once. */
  async function sendItem(item, session) {
    const sender = senders[item.kind];
    try {
      await sender(item, session.token);
    } catch (failure) {
      if (!(failure instanceof Failure) || failure.outcome !== "stale-token") throw failure;
      const fresh = await currentSession();
      if (fresh.userId !== item.userId) throw new Failure("signed-out", "Sign in again to send this.");
      session.token = fresh.token;
      await sender(await outbox.get(item.id), session.token);
    }
  }

  async function sendDue(force) {
    if (!force && Date.now() < unreachable.checkAgainAt) return;
    // A sign-out made offline goes first; until it has, nothing is sent.
    if (scope.Dropin.signOut && !(await scope.Dropin.signOut.sendPending())) return;
    for (let round = 0; round < 10; round += 1) {
      const due = (await outbox.list()).filter((item) => isDue(item, force));
      if (!due.length) return;
      let session;
      try {
        session = await currentSession();
      } catch (failure) {
        await sessionFailed(due, failure instanceof Failure ? failure : new Failure("retry", String(failure)));
        return;
      }
      unreachable.failures = 0;
      unreachable.checkAgainAt = 0;
      const mine = due.filter((item) => item.userId === session.userId);
      for (const item of due.filter((other) => other.userId !== session.userId)) {
        await outbox.update(item.id, {
          state: "needs-sign-in",
          lastError: "Saved by another account on this device: it is sent when that person signs in.",
        });
      }
      for (const item of mine) {
        try {
          await outbox.update(item.id, { state: "sending" });
          await sendItem(await outbox.get(item.id), session);
          await outbox.remove(item.id);
        } catch (failure) {
          const known = failure instanceof Failure ? failure : new Failure("retry", String(failure));
          await outbox.update(item.id, failed(item, known));
          if (known.outcome === "signed-out") return;
        }
      }
      force = false;
    }
  }

  /** Send what is due now; `force` also sends items still waiting out their backoff.
      Only one tab (or the service worker) sends at a time: a busy lock means another
      sender is at work, so this one looks again a second later. */
  async function run(options) {
    const force = Boolean(options && options.force);
    if (scope.navigator.onLine === false && !force) return; // the "online" event restarts
    let sent = true;
    running = true;
    try {
      if (scope.navigator.locks) {
        await scope.navigator.locks.request("dropin-sync", { ifAvailable: true }, (lock) => {
          sent = Boolean(lock);
          return lock ? sendDue(force) : null;
        });
      } else {
        await sendDue(force);
      }
    } finally {
      running = false;
      if (scope.document) scheduleNext(sent ? 0 : 1000);
    }
  }

  /** Wake up when the earliest waiting item is due, or, while another sender (a tab, the
      service worker) is at work, a second later to look again. */
  async function scheduleNext(atLeastMs) {
    const waiting = (await outbox.list()).filter((item) => item.state === "pending" || item.state === "sending");
    clearTimeout(timer);
    if (!waiting.length) return;
    const now = Date.now();
    const due = Math.min(...waiting.map((item) => (item.state === "sending" ? now + 1000 : item.nextAttemptAt)));
    const next = Math.max(due, unreachable.checkAgainAt);
    timer = setTimeout(run, Math.max(atLeastMs, next - now) + 50);
  }

  /** { baseDelayMs, requestTimeoutMs, maxDelayMs } from the server's configuration. */
  function configure(values) {
    for (const key of Object.keys(settings)) {
      if (Number(values[key]) > 0) settings[key] = Number(values[key]);
    }
    scope.Dropin.answers.timeouts.requestMs = settings.requestTimeoutMs;
  }

  /** Start the loop in a page: now, when back online, when the page is shown again,
      whenever this tab adds something, and on the backoff timer. */
  function start() {
    const meta = (name) => scope.document.querySelector('meta[name="dropin-sync-' + name + '"]');
    configure({
      baseDelayMs: meta("base-ms") && meta("base-ms").content,
      requestTimeoutMs: meta("timeout-ms") && meta("timeout-ms").content,
      maxDelayMs: meta("max-ms") && meta("max-ms").content,
    });
    // Another sender's progress (a tab, the service worker) may leave work for this one.
    outbox.onChange(() => {
      if (!running) scheduleNext(0);
    });
    scope.addEventListener("online", () => run({ force: true }));
    scope.document.addEventListener("visibilitychange", () => {
      if (scope.document.visibilityState === "visible") run();
    });
    scope.addEventListener("dropin:outbox-added", () => run());
    run();
  }

  scope.Dropin.sync = { run, start, configure, backoffDelay };
})(self);
