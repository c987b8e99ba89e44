/* How the sync loop talks to the server and reads its answers (sync.js sends). Only a 2xx
   JSON answer naming what was sent counts: a redirect, an HTML page (a Wi-Fi sign-in page)
   or a body without the id is a failure. Works in pages and in the service worker. */
(function (scope) {
  "use strict";
  const SESSION_URL = "/capture/session";
  /* sync.configure() sets it from the server's configuration. */
  const timeouts = { requestMs: 60000 };

  class Failure extends Error {
    /** outcome: "retry" | "refused" | "signed-out" | "stale-token" */
    constructor(outcome, message) {
      super(message);
      this.outcome = outcome;
    }
  }

  /** fetch with a time limit: a connection that never answers (a black-holed network)
      must not hold the sender forever. */
  async function send(method, url, options) {
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), timeouts.requestMs);
    try {
      return await scope.fetch(url, {
        method: method,
        body: options.body,
        headers: options.headers,
        credentials: "same-origin",
        cache: "no-store",
        redirect: "manual",
        signal: abort.signal,
      });
    } catch (networkError) {
      throw new Failure("retry", abort.signal.aborted
        ? "The server did not answer in time." : "No connection to the server yet.");
    } finally {
      clearTimeout(timeout);
    }
  }

  async function jsonBody(response) {
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) return null;
    try {
      return await response.json();
    } catch (notJson) {
      return null;
    }
  }

  const FIELD_NAMES = {
    teacher_id: "Teacher", class_name: "Class", subject: "Subject", notes: "Notes",
    action_step: "Action step", text: "", library_step_id: "library step", photo_ids: "Photos",
    started_at: "Start time", duration_minutes: "Length", caption: "Caption",
  };

  /** "Some fields need attention. Teacher: You cannot write a visit for this teacher." */
  function reasonFrom(body) {
    const lines = [];
    (function collect(errors, prefix) {
      for (const [field, messages] of Object.entries(errors || {})) {
        const label = field in FIELD_NAMES ? FIELD_NAMES[field] : field.replace(/_/g, " ");
        const name = (prefix + " " + label).trim();
        if (Array.isArray(messages)) lines.push(name + ": " + messages.join(" "));
        else if (typeof messages === "object") collect(messages, name);
        else lines.push(name + ": " + messages);
      }
    })(body.errors, "");
    return [body.error || "The server refused this."].concat(lines).join(" ");
  }

  /** The answer's JSON when the server confirmed `ids` (any one of them); else throws. */
  async function confirmed(response, ids) {
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
      throw new Failure("retry", "The network redirected the request (a Wi-Fi sign-in page?).");
    }
    if (response.status === 401) throw new Failure("signed-out", "Sign in again to send this.");
    const body = await jsonBody(response);
    if (response.ok) {
      if (body && (ids.includes(body.id) || ids.includes(body.visit_id))) return body;
      throw new Failure("retry", "The answer did not come from Dropin (a Wi-Fi sign-in page?).");
    }
    if (body && body.errors && body.errors.csrf_token) {
      throw new Failure("stale-token", "The server asked for a fresh token; trying again.");
    }
    const transient = response.status >= 500 || [408, 425, 429].includes(response.status);
    if (transient || !body) {
      throw new Failure("retry", "The server answered " + response.status + "; trying again.");
    }
    throw new Failure("refused", reasonFrom(body));
  }

  async function currentSession() {
    const response = await send("GET", SESSION_URL, { headers: { Accept: "application/json" } });
    if (response.status === 401) throw new Failure("signed-out", "Sign in again to send this.");
    const body = response.ok ? await jsonBody(response) : null;
    if (!body || !body.user_id || !body.csrf_token) {
      throw new Failure("retry", "Could not reach Dropin (a Wi-Fi sign-in page?).");
    }
    return { userId: String(body.user_id), token: body.csrf_token };
  }

  function jsonHeaders(token) {
    return { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token };
  }

  scope.Dropin = scope.Dropin || {};
  scope.Dropin.answers = { Failure, send, confirmed, currentSession, jsonHeaders, timeouts };
})(self);
